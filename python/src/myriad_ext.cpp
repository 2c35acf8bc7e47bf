// myriad_ext.cpp: the Python binding (nanobind) of one World on its backend. Python's myriad.Env wraps
// it (python/myriad/env.py). The per-group arrays returned by `arrays` view the world's own buffers
// (no copy): NumPy arrays on the CPU backend, DLPack-capable device arrays on CUDA; the World object
// is their owner, so they stay valid while it lives, and their contents change at every step/reset.
// Every error is a C++ exception that nanobind turns into a Python one with the same message
// (std::invalid_argument → ValueError, std::out_of_range → IndexError, others → RuntimeError).
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/config.hpp"
#include "myriad/games/game.hpp"
#include "myriad/world.hpp"

namespace nb = nanobind;
using namespace myriad;

namespace {

std::string dtype_name(const nb::dlpack::dtype& d) {
  std::string base;
  switch (static_cast<nb::dlpack::dtype_code>(d.code)) {
    case nb::dlpack::dtype_code::Int: base = "int"; break;
    case nb::dlpack::dtype_code::UInt: base = "uint"; break;
    case nb::dlpack::dtype_code::Float: base = "float"; break;
    case nb::dlpack::dtype_code::Bfloat: base = "bfloat"; break;
    case nb::dlpack::dtype_code::Complex: base = "complex"; break;
    case nb::dlpack::dtype_code::Bool: return "bool";
    default: base = "dtype" + std::to_string(d.code) + "_";
  }
  return base + std::to_string(d.bits);
}

MeanActionMode parse_mean_mode(const std::string& s) {
  if (s == "radius") return MeanActionMode::kRadius;
  if (s == "team") return MeanActionMode::kTeamWide;
  if (s == "off") return MeanActionMode::kOff;
  throw std::invalid_argument("mean_mode '" + s + "' is not one of radius, team, off");
}

Placement parse_placement(const std::string& s) {
  if (s == "default") return Placement::kDefault;
  if (s == "random") return Placement::kRandom;
  throw std::invalid_argument("placement '" + s + "' is not one of default, random");
}

PolicySpec parse_policy(const std::string& s, const std::string& group) {
  if (s == "random") return PolicySpec{PolicyKind::kRandom, 0, -1};
  if (s == "noop") return PolicySpec{PolicyKind::kNoop, 0, -1};
  if (s == "scripted") return PolicySpec{PolicyKind::kScripted, 0, -1};
  throw std::invalid_argument("policies['" + group + "'] = '" + s + "' is not one of random, noop, scripted");
}

using Cells = nb::ndarray<const int32_t, nb::ndim<2>, nb::device::cpu, nb::c_contig>;

std::vector<Cell> to_cells(const Cells& a, const char* what) {
  if (a.shape(1) != 2) throw std::invalid_argument(std::string(what) + " must have shape [n, 2] (x, y)");
  std::vector<Cell> out(a.shape(0));
  const int32_t* p = a.data();
  for (size_t k = 0; k < out.size(); ++k) out[k] = {p[2 * k], p[2 * k + 1]};
  return out;
}

// One world and the host staging its CUDA actions go through.
struct PyWorld {
  std::unique_ptr<World> w;
  std::vector<uint8_t> staging;
  std::vector<std::string> names;

  int group(int g) const {
    if (g < 0 || g >= w->n_groups()) throw std::out_of_range("group " + std::to_string(g) + " out of range");
    return g;
  }

  // Checks one group's action array (1-D, integer, count long, each in [0, n_actions)) and writes it
  // into the world's action buffer with one copy. Nothing is written when the array is refused.
  void write_actions(int g, const nb::ndarray<nb::ndim<1>>& a) {
    const GroupTable& gt = w->groups();
    const std::string& name = names[static_cast<size_t>(g)];
    const std::string what = "actions['" + name + "']";
    const int64_t n = gt.count(g);
    const int k = gt.type[g].n_actions();
    const auto code = static_cast<nb::dlpack::dtype_code>(a.dtype().code);
    if (code != nb::dlpack::dtype_code::Int && code != nb::dlpack::dtype_code::UInt)
      throw std::invalid_argument(what + " must be an integer array (int8-int64 or uint8-uint64), got " +
                                  dtype_name(a.dtype()));
    if (static_cast<int64_t>(a.shape(0)) != n)
      throw std::invalid_argument(what + " must have shape (" + std::to_string(n) + ",) (one action per " + name +
                                  " agent), got (" + std::to_string(a.shape(0)) + ",)");
    const int bits = a.dtype().bits;
    const bool is_signed = code == nb::dlpack::dtype_code::Int;
    const int64_t stride = a.stride(0);
    const auto* base = static_cast<const unsigned char*>(a.data());
    std::vector<unsigned char> host_copy;
    if (a.device_type() == nb::device::cuda::value) {  // a device array: one copy to the host first
      if (!w->backend().on_device())
        throw std::invalid_argument(what + " is on a CUDA device but this Env runs on the cpu backend; pass a "
                                           "host array (tensor.cpu())");
      if (stride != 1) throw std::invalid_argument(what + " on a CUDA device must be contiguous");
      host_copy.resize(static_cast<size_t>(n) * static_cast<size_t>(bits / 8));
      w->backend().to_host(host_copy.data(), base, host_copy.size());
      base = host_copy.data();
    } else if (a.device_type() != nb::device::cpu::value) {
      throw std::invalid_argument(what + " must live on the CPU or a CUDA device");
    }
    auto value = [&](int64_t i) -> long long {
      const unsigned char* p = base + i * stride * (bits / 8);
      switch (bits) {
        case 8: return is_signed ? static_cast<long long>(*reinterpret_cast<const int8_t*>(p)) : *p;
        case 16: return is_signed ? static_cast<long long>(*reinterpret_cast<const int16_t*>(p))
                                  : static_cast<long long>(*reinterpret_cast<const uint16_t*>(p));
        case 32: return is_signed ? static_cast<long long>(*reinterpret_cast<const int32_t*>(p))
                                  : static_cast<long long>(*reinterpret_cast<const uint32_t*>(p));
        default: {
          if (is_signed) return *reinterpret_cast<const int64_t*>(p);
          const uint64_t u = *reinterpret_cast<const uint64_t*>(p);
          return u > 1000000000ULL ? 1000000000LL : static_cast<long long>(u);
        }
      }
    };
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
      throw std::invalid_argument(what + " has an unsupported integer width of " + std::to_string(bits) + " bits");
    // Vectorisable pass: the range check first (no partial write on error), then the copy.
    long long lo = 0, hi = 0;
    if (n > 0) lo = hi = value(0);
    for (int64_t i = 1; i < n; ++i) {
      const long long v = value(i);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (n > 0 && (lo < 0 || hi >= k)) {
      int64_t bad = 0;
      while (bad < n && value(bad) >= 0 && value(bad) < k) ++bad;
      throw std::invalid_argument(what + "[" + std::to_string(bad) + "] = " + std::to_string(value(bad)) +
                                  " is out of range: " + name + " actions are 0-" + std::to_string(k - 1));
    }
    GroupBuffers b = w->group_buffers(g);
    uint8_t* dst = b.action;
    if (b.on_device) {
      staging.resize(static_cast<size_t>(n));
      dst = staging.data();
    }
    if (bits == 8 && stride == 1) {
      std::memcpy(dst, base, static_cast<size_t>(n));
    } else {
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(value(i));
    }
    if (b.on_device) w->backend().from_host(b.action, staging.data(), static_cast<size_t>(n));
  }
};

template <typename T>
nb::object view_array(nb::handle owner, bool device, const T* data, std::initializer_list<size_t> shape,
                      std::initializer_list<int64_t> strides, nb::dlpack::dtype dtype) {
  std::vector<size_t> sh(shape);
  std::vector<int64_t> st(strides);
  if (!device) {
    nb::ndarray<nb::numpy, nb::ro> a(data, sh.size(), sh.data(), owner, st.data(), dtype, nb::device::cpu::value);
    return nb::cast(a, nb::rv_policy::reference);
  }
  // Writable on the device: DLPack importers (torch) refuse read-only tensors.
  nb::ndarray<> a(const_cast<T*>(data), sh.size(), sh.data(), owner, st.data(), dtype, nb::device::cuda::value, 0);
  return nb::cast(a, nb::rv_policy::reference);
}

nb::dict stats_dict(const StepStats& s) {
  nb::dict d;
  d["step"] = s.step;
  d["done"] = s.done;
  d["truncated"] = s.truncated;
  nb::list alive, deaths, kills, hits, reward;
  for (int g = 0; g < s.n_groups; ++g) {
    alive.append(s.alive[g]);
    deaths.append(s.deaths[g]);
    kills.append(s.kills[g]);
    hits.append(s.hits[g]);
    reward.append(s.reward(g));
  }
  d["alive"] = alive;
  d["deaths"] = deaths;
  d["kills"] = kills;
  d["hits"] = hits;
  d["reward"] = reward;
  return d;
}

void apply_override(WorldConfig& c, const std::string& field, int a, int b, double value) {
  const int G = c.n_groups();
  if (a < 0 || a >= G || b < -1 || b >= G) throw std::invalid_argument("override " + field + ": group out of range");
  const auto v = static_cast<float>(value);
  AgentType& t = c.groups[static_cast<size_t>(a)].type;
  if (field == "step_reward") t.step_reward = v;
  else if (field == "dead_penalty") t.dead_penalty = v;
  else if (field == "attack_penalty") t.attack_penalty = v;
  else if (field == "kill_reward") t.kill_reward = v;
  else if (field == "step_recover") t.step_recover = v;
  else if (field == "hit" && b >= 0) c.rules.hit[a][b] = v;
  else if (field == "hit_taken" && b >= 0) c.rules.hit_taken[a][b] = v;
  else if (field == "kill" && b >= 0) c.rules.kill[a][b] = v;
  else if (field == "pair" && b >= 0) c.rules.pair[a][b] = v;
  else throw std::invalid_argument("override '" + field + "' is not a type field or reward rule");
}

}  // namespace

NB_MODULE(_myriad, m) {
  m.doc() = "Myriad's engine: one World per myriad.Env (see python/myriad/env.py)";

  m.def("games", []() {
    nb::list out;
    for (Scenario s : {Scenario::kBattle, Scenario::kBattlefield, Scenario::kAdversarialPursuit, Scenario::kGather,
                       Scenario::kTigerDeer, Scenario::kCombinedArms}) {
      const GameSpec& g = game_spec(s);
      nb::dict d;
      d["name"] = g.name;
      d["magent_name"] = g.magent_name;
      d["default_map"] = g.default_map;
      d["min_map"] = g.min_map;
      d["max_steps"] = g.max_steps;
      nb::list groups;
      for (const GroupSpec& gs : g.groups) groups.append(gs.name);
      d["groups"] = groups;
      out.append(d);
    }
    return out;
  });
  m.def("cuda_available", &cuda_device_available);
  m.def("cuda_device", &cuda_device_description);

  nb::class_<PyWorld>(m, "World")
      .def(
          "__init__",
          [](PyWorld* self, const std::string& scenario, const std::string& backend, int map_size, int64_t agents,
             int64_t agents_per_team, int64_t max_steps, bool minimap, const std::string& mean_mode,
             double mean_radius, const std::string& placement, bool observe_passive,
             const std::vector<std::tuple<std::string, int, int, double>>& overrides,
             const std::vector<int64_t>& counts, std::optional<Cells> walls) {
            const BackendKind kind = parse_backend(backend);
            GameSize size;
            size.map_size = map_size;
            size.agents = agents;
            size.agents_per_team = agents_per_team;
            // An explicit layout (counts and walls, positions at reset): the game's types and rules on a
            // map of any side, as the conformance vectors have them (no generator is run).
            const bool custom = !counts.empty();
            WorldConfig c = game_config(parse_scenario(scenario), custom ? GameSize{} : size);
            if (custom && map_size > 0) c.width = c.height = map_size;
            if (max_steps > 0) c.max_steps = max_steps;
            else if (max_steps < 0) throw std::invalid_argument("max_cycles must be positive, got " + std::to_string(max_steps));
            c.minimap = minimap;
            c.mean_mode = parse_mean_mode(mean_mode);
            c.mean_radius = static_cast<float>(mean_radius);
            c.placement = parse_placement(placement);
            c.observe_passive = observe_passive;
            for (const auto& [field, a, b, v] : overrides) apply_override(c, field, a, b, v);
            if (!counts.empty()) {
              if (counts.size() != c.groups.size())
                throw std::invalid_argument("counts must give the " + std::to_string(c.groups.size()) + " groups' sizes");
              for (size_t g = 0; g < counts.size(); ++g) c.groups[g].count = counts[g];
            }
            if (walls) {
              c.walls = to_cells(*walls, "walls");
              c.random_walls = 0;
            }
            const std::string err = validate(c);
            if (!err.empty()) throw std::invalid_argument(err);
            new (self) PyWorld();
            self->w = make_world(kind, c);
            for (const GroupConfig& g : c.groups) self->names.push_back(g.name);
          },
          nb::arg("scenario"), nb::arg("backend") = "auto", nb::arg("map_size") = 0, nb::arg("agents") = 0,
          nb::arg("agents_per_team") = 0, nb::arg("max_steps") = 0, nb::arg("minimap") = false,
          nb::arg("mean_mode") = "radius", nb::arg("mean_radius") = 6.0, nb::arg("placement") = "default",
          nb::arg("observe_passive") = false, nb::arg("overrides") = std::vector<std::tuple<std::string, int, int, double>>{},
          nb::arg("counts") = std::vector<int64_t>{}, nb::arg("walls") = nb::none())
      .def_prop_ro("backend", [](PyWorld& s) { return std::string(s.w->backend_name()); })
      .def_prop_ro("on_device", [](PyWorld& s) { return s.w->backend().on_device(); })
      .def_prop_ro("n_agents", [](PyWorld& s) { return s.w->n_agents(); })
      .def_prop_ro("n_groups", [](PyWorld& s) { return s.w->n_groups(); })
      .def_prop_ro("step_index", [](PyWorld& s) { return s.w->step_index(); })
      .def_prop_ro("max_steps", [](PyWorld& s) { return s.w->config().max_steps; })
      .def_prop_ro("width", [](PyWorld& s) { return s.w->config().width; })
      .def_prop_ro("height", [](PyWorld& s) { return s.w->config().height; })
      .def_prop_ro("minimap", [](PyWorld& s) { return s.w->config().minimap; })
      .def_prop_ro("done", [](PyWorld& s) { return s.w->last_stats().done; })
      .def_prop_ro("truncated", [](PyWorld& s) { return s.w->last_stats().truncated; })
      .def_prop_ro("k_stride", [](PyWorld& s) { return s.w->mean_params().k_stride; })
      .def_prop_ro("state_bytes", [](PyWorld& s) { return s.w->state_bytes(); })
      .def("stats", [](PyWorld& s) { return stats_dict(s.w->last_stats()); })
      .def("group_info", [](PyWorld& s) {
        nb::list out;
        const GroupTable& gt = s.w->groups();
        const WorldConfig& c = s.w->config();
        for (int g = 0; g < gt.n_groups; ++g) {
          const ObsLayout& L = s.w->obs_layout(g);
          const TypeParams& t = gt.type[g];
          nb::dict d;
          d["name"] = s.names[static_cast<size_t>(g)];
          d["type"] = c.groups[static_cast<size_t>(g)].type.name;
          d["count"] = gt.count(g);
          d["begin"] = gt.begin[g];
          d["id_base"] = gt.id_base[g];
          d["side"] = gt.side[g];
          d["acts"] = gt.acts[g] != 0;
          d["view_side"] = L.view_side;
          d["channels"] = L.channels;
          d["n_features"] = L.n_features;
          d["n_actions"] = t.n_actions();
          d["n_moves"] = t.n_moves;
          d["stay_action"] = t.stay_action;
          d["hp_max"] = t.hp_max;
          d["body"] = nb::make_tuple(t.body_w, t.body_h);
          // The view window's geometry (rules/observe.hpp), for observations rebuilt on the host.
          d["view_center"] = t.view_center;
          nb::list col0, col1;
          for (int r = 0; r < t.view_side; ++r) {
            col0.append(static_cast<int>(t.view_col0[r]));
            col1.append(static_cast<int>(t.view_col1[r]));
          }
          d["view_col0"] = col0;
          d["view_col1"] = col1;
          d["per_group"] = L.per_group;
          d["minimap_bin"] = nb::make_tuple(L.bin_w, L.bin_h);
          d["embedding_bits"] = gt.embedding_bits;
          out.append(d);
        }
        return out;
      })
      .def("reset", [](PyWorld& s, uint64_t seed) { s.w->reset(seed); }, nb::arg("seed"))
      .def(
          "reset_positions",
          [](PyWorld& s, uint64_t seed, Cells positions) { s.w->reset(seed, to_cells(positions, "positions")); },
          nb::arg("seed"), nb::arg("positions"))
      .def(
          "step",
          [](PyWorld& s, const std::vector<std::optional<nb::ndarray<nb::ndim<1>>>>& actions,
             const std::vector<std::string>& policies) {
            const int G = s.w->n_groups();
            if (static_cast<int>(actions.size()) != G || static_cast<int>(policies.size()) != G)
              throw std::invalid_argument("step: one action array (or None) and one policy per group");
            if (s.w->done())
              throw std::logic_error(std::string("step: the episode is over (") +
                                     (s.w->last_stats().done ? "a group has no agents left" : "max_cycles reached") +
                                     "); call reset() first");
            bool any_policy = false;
            std::vector<PolicySpec> specs(static_cast<size_t>(G), PolicySpec{PolicyKind::kNoop, 0, -1});
            for (int g = 0; g < G; ++g)
              if (!policies[static_cast<size_t>(g)].empty()) {
                specs[static_cast<size_t>(g)] = parse_policy(policies[static_cast<size_t>(g)], s.names[static_cast<size_t>(g)]);
                any_policy = true;
              }
            // A refused array throws before the step: the world stays as it was, usable (the action
            // buffer is rewritten by the next step anyway).
            if (any_policy) s.w->act(specs);
            for (int g = 0; g < G; ++g)
              if (actions[static_cast<size_t>(g)]) s.write_actions(g, *actions[static_cast<size_t>(g)]);
            nb::gil_scoped_release release;
            s.w->step();
          },
          nb::arg("actions"), nb::arg("policies"))
      .def(
          "arrays",
          [](nb::pointer_and_handle<PyWorld> ph, int g) {
            PyWorld& s = *ph.p;
            s.group(g);
            GroupBuffers b = s.w->group_buffers(g);
            const ObsLayout& L = s.w->obs_layout(g);
            const auto n = static_cast<size_t>(b.count);
            const auto V = static_cast<size_t>(L.view_side), C = static_cast<size_t>(L.channels);
            const bool dev = b.on_device;
            nb::dict d;
            if (b.obs_f32 == nullptr) throw std::runtime_error("observations are not float32");
            d["view"] = view_array(ph.h, dev, b.obs_f32, {n, V, V, C},
                                   {b.row_stride, static_cast<int64_t>(V * C), static_cast<int64_t>(C), 1},
                                   nb::dtype<float>());
            d["features"] = view_array(ph.h, dev, b.features, {n, static_cast<size_t>(b.n_features)},
                                       {b.n_features, 1}, nb::dtype<float>());
            d["mean_action"] = view_array(ph.h, dev, b.mean_action, {n, static_cast<size_t>(b.k_stride)},
                                          {b.k_stride, 1}, nb::dtype<float>());
            d["reward"] = view_array(ph.h, dev, b.reward, {n}, {1}, nb::dtype<float>());
            d["alive"] = view_array(ph.h, dev, b.alive, {n}, {1}, nb::dtype<bool>());
            d["died"] = view_array(ph.h, dev, b.died, {n}, {1}, nb::dtype<bool>());
            d["action"] = view_array(ph.h, dev, static_cast<const uint8_t*>(b.action), {n}, {1}, nb::dtype<uint8_t>());
            nb::dict ptr;  // raw addresses for __cuda_array_interface__
            ptr["view"] = reinterpret_cast<uintptr_t>(b.obs_f32);
            ptr["features"] = reinterpret_cast<uintptr_t>(b.features);
            ptr["mean_action"] = reinterpret_cast<uintptr_t>(b.mean_action);
            ptr["reward"] = reinterpret_cast<uintptr_t>(b.reward);
            ptr["alive"] = reinterpret_cast<uintptr_t>(b.alive);
            ptr["died"] = reinterpret_cast<uintptr_t>(b.died);
            ptr["action"] = reinterpret_cast<uintptr_t>(b.action);
            ptr["view_row_stride"] = b.row_stride;
            d["pointers"] = ptr;
            return d;
          },
          nb::arg("group"))
      .def(
          "host_copy",
          [](PyWorld& s, int g) {
            // Host copies of one group's arrays (for the CUDA backend's per-agent users): flat, the views
            // with their row pitch ([count][row_stride]).
            s.group(g);
            GroupBuffers b = s.w->group_buffers(g);
            const auto n = static_cast<size_t>(b.count);
            auto copy = [&](const auto* src, size_t count) {
              using T = std::remove_cv_t<std::remove_pointer_t<decltype(src)>>;
              auto* v = new std::vector<T>(count);
              if (count > 0) s.w->backend().to_host(v->data(), src, count * sizeof(T));
              nb::capsule cap(v, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
              const size_t shape[1] = {count};
              return nb::cast(nb::ndarray<nb::numpy, T>(v->data(), 1, shape, cap));
            };
            if (b.obs_f32 == nullptr) throw std::runtime_error("observations are not float32");
            nb::dict d;
            d["view"] = copy(b.obs_f32, n * static_cast<size_t>(b.row_stride));
            d["features"] = copy(b.features, n * static_cast<size_t>(b.n_features));
            d["mean_action"] = copy(b.mean_action, n * static_cast<size_t>(b.k_stride));
            d["reward"] = copy(b.reward, n);
            d["alive"] = copy(b.alive, n);
            d["died"] = copy(b.died, n);
            return d;
          },
          nb::arg("group"))
      .def(
          "render",
          [](PyWorld& s, int max_side) {
            // The raster of the current state (the engine's renderer, as `myriad render` draws it).
            const RenderParams rp = fit_render(s.w->config(), max_side);
            auto* rgb = new std::vector<uint8_t>(s.w->render(rp));
            nb::capsule cap(rgb, [](void* p) noexcept { delete static_cast<std::vector<uint8_t>*>(p); });
            const size_t shape[3] = {static_cast<size_t>(rp.height), static_cast<size_t>(rp.width), 3};
            return nb::ndarray<nb::numpy, uint8_t>(rgb->data(), 3, shape, cap);
          },
          nb::arg("max_side") = 1024)
      .def("snapshot", [](PyWorld& s) {
        // Host copies (for state(), tests and the MAgent2 comparison): x, y, hp, alive, group, wall [H, W].
        HostState h = s.w->snapshot();
        auto own = [](auto vec, std::initializer_list<size_t> shape) {
          using V = typename decltype(vec)::value_type;
          auto* heap = new std::vector<V>(std::move(vec));
          nb::capsule cap(heap, [](void* p) noexcept { delete static_cast<std::vector<V>*>(p); });
          std::vector<size_t> sh(shape);
          return nb::cast(nb::ndarray<nb::numpy, V>(heap->data(), sh.size(), sh.data(), cap));
        };
        const auto n = h.x.size();
        const auto W = static_cast<size_t>(s.w->config().width), H = static_cast<size_t>(s.w->config().height);
        nb::dict d;
        d["x"] = own(std::move(h.x), {n});
        d["y"] = own(std::move(h.y), {n});
        d["hp"] = own(std::move(h.hp), {n});
        d["alive"] = own(std::move(h.alive), {n});
        d["group"] = own(std::move(h.group), {n});
        d["wall"] = own(std::move(h.wall), {H, W});
        d["occ"] = own(std::move(h.occ), {H, W});  // the agent on each cell (any body cell), -1 for none
        d["died"] = own(std::move(h.died), {n});
        d["action"] = own(std::move(h.action), {n});
        return d;
      });
}
