// conformance.cpp: replays a MAgent2 conformance vector of any game (shared/conformance format, N groups)
// on a backend and compares every recorded field (positions, alive, rewards, hp, views, features, done;
// with placement "default" also the game generator's walls and start positions), order-dependent fields
// by their sum. Every value the file gives is checked before use.
#include "myriad/conformance.hpp"
#include "myriad/input_file.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "myriad/games/game.hpp"
#include "myriad/placement.hpp"

namespace myriad {

namespace {

using nlohmann::json;

std::string num(double v) {
  std::ostringstream s;
  s.precision(7);
  s << v;
  return s.str();
}

struct Checker {
  ConformanceResult& res;
  double tol;
  void value(int t, const std::string& agent, const std::string& field, double expected, double got) {
    ++res.checked;
    if (!(std::fabs(expected - got) <= tol) && room()) res.mismatches.push_back({t, agent, field, num(expected), num(got)});
  }
  void exact(int t, const std::string& agent, const std::string& field, long long expected, long long got) {
    ++res.checked;
    if (expected != got && room())
      res.mismatches.push_back({t, agent, field, std::to_string(expected), std::to_string(got)});
  }
  bool room() {  // past the first kMaxRecordedMismatches, a mismatch is only counted
    if (res.mismatches.size() < ConformanceResult::kMaxRecordedMismatches) return true;
    ++res.unrecorded;
    return false;
  }
};

struct Bad : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json& need(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw Bad(std::string("missing field '") + key + "'");
  return j.at(key);
}

// An integer field, refused unless the JSON number is an integer a long long holds (a float such as
// 3e48 converted to an integer is undefined behaviour, so it never reaches get<long long>).
long long need_integer(const json& j, const std::string& what) {
  if (j.is_number_unsigned() && j.get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX))
    throw Bad(what + " is too large");
  if (!j.is_number_integer()) throw Bad(what + " must be an integer");
  return j.get<long long>();
}

int need_int(const json& j, const char* what, long long lo, long long hi) {
  const long long v = need_integer(j, what);
  if (v < lo || v > hi)
    throw Bad(std::string(what) + " " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
              std::to_string(hi) + "]");
  return static_cast<int>(v);
}

Cell need_cell(const json& j, const std::string& what, int size) {
  if (!j.is_array() || j.size() != 2) throw Bad(what + " must be [x, y]");
  return {need_int(j[0], (what + " x").c_str(), 0, size - 1), need_int(j[1], (what + " y").c_str(), 0, size - 1)};
}

// The vector's world: the game's types and rules, the file's map, counts, walls and positions.
struct Scene {
  WorldConfig cfg;
  std::vector<Cell> positions;  // slot order
};

Scene read_scene(const json& doc) {
  Scene sc;
  const Scenario game = parse_scenario(doc.value("game", std::string("battle_v4")));
  const int map_size = need_int(need(doc, "map_size"), "map_size", 3, 1024);
  WorldConfig c = game_config(game);
  const json groups = doc.value("groups", json::array({"red", "blue"}));
  if (!groups.is_array() || groups.size() != c.groups.size())
    throw Bad("groups must list the game's " + std::to_string(c.groups.size()) + " groups");
  for (size_t g = 0; g < c.groups.size(); ++g)
    if (!groups[g].is_string() || groups[g].get<std::string>() != c.groups[g].name)
      throw Bad("group " + std::to_string(g) + " must be '" + c.groups[g].name + "'");
  if (doc.contains("insertion_order")) {
    const json& io = doc.at("insertion_order");
    std::vector<int> order;
    if (!io.is_array() || io.size() != c.groups.size()) throw Bad("insertion_order must list every group once");
    for (const json& name : io) {
      const int g = name.is_string() ? c.group_index(name.get<std::string>()) : -1;
      if (g < 0) throw Bad("insertion_order names an unknown group");
      order.push_back(g);
    }
    const std::vector<int> game_order = c.insertion_order.empty() ? std::vector<int>{} : c.insertion_order;
    std::vector<int> expect = game_order;
    if (expect.empty())
      for (size_t g = 0; g < c.groups.size(); ++g) expect.push_back(static_cast<int>(g));
    if (order != expect) throw Bad("insertion_order differs from the game's");
  }
  c.width = c.height = map_size;
  c.walls.clear();
  c.random_walls = 0;
  for (const json& w : doc.value("walls", json::array())) c.walls.push_back(need_cell(w, "walls entry", map_size));
  const json& initial = need(doc, "initial");
  for (size_t g = 0; g < c.groups.size(); ++g) {
    const json& cells = need(initial, c.groups[g].name.c_str());
    if (!cells.is_array() || cells.empty() || cells.size() > 1000000)
      throw Bad("initial." + c.groups[g].name + " must list 1 to 1000000 agents");
    c.groups[g].count = static_cast<int64_t>(cells.size());
    for (const json& p : cells) sc.positions.push_back(need_cell(p, "initial." + c.groups[g].name + " entry", map_size));
  }
  c.placement = Placement::kRandom;  // positions come from the file
  c.minimap = doc.value("minimap", false);
  c.observe_passive = true;  // the vectors record food's own views too
  c.mean_mode = MeanActionMode::kOff;
  const json& actions = need(doc, "actions");
  if (!actions.is_array()) throw Bad("actions must be a list of steps");
  c.max_steps = static_cast<int64_t>(actions.size()) + 1;
  // A step costs about a pass over the map: bound the replay's work (a crafted 40 kB vector of 1500
  // steps on a 1024 map took 40 s, on a 4096 map minutes).
  constexpr int64_t kMaxCellSteps = int64_t{1} << 25;
  const int64_t cells = int64_t{map_size} * map_size, steps = std::max<int64_t>(1, static_cast<int64_t>(actions.size()));
  if (cells * steps > kMaxCellSteps)
    throw Bad("map_size " + std::to_string(map_size) + " with " + std::to_string(steps) +
              " steps: map_size^2 x steps may be at most " + std::to_string(kMaxCellSteps) + " (e.g. 200 for " +
              std::to_string(kMaxCellSteps / 40000) + " steps, 1024 for " +
              std::to_string(kMaxCellSteps / (1024 * 1024)) + ")");
  const std::string err = validate(c);
  if (!err.empty()) throw Bad("its world is invalid: " + err);
  sc.cfg = c;
  return sc;
}

// placement "default": the game's generator at this map side must give the file's walls and positions.
void check_default_layout(const Scene& sc, Checker& check) {
  WorldConfig gen = game_config(sc.cfg.scenario, GameSize{sc.cfg.width, 0, 0});
  std::set<Cell> want(sc.cfg.walls.begin(), sc.cfg.walls.end()), got(gen.walls.begin(), gen.walls.end());
  check.exact(0, "", "walls (count)", static_cast<long long>(want.size()), static_cast<long long>(got.size()));
  long long missing = 0;
  for (const Cell& w : want) missing += got.count(w) ? 0 : 1;
  check.exact(0, "", "walls (listed but not generated)", 0, missing);
  gen.placement = Placement::kDefault;
  const std::vector<Cell> pos = place_agents(gen, build_walls(gen, 0), 0);
  check.exact(0, "", "initial (agents generated)", static_cast<long long>(sc.positions.size()),
              static_cast<long long>(pos.size()));
  for (size_t g = 0; g < gen.groups.size(); ++g)
    check.exact(0, gen.groups[g].name, "count", sc.cfg.groups[g].count, gen.groups[g].count);
  if (pos.size() != sc.positions.size()) return;
  long long moved = 0;
  for (size_t k = 0; k < pos.size(); ++k) moved += pos[k] == sc.positions[k] ? 0 : 1;
  check.exact(0, "", "initial (agents at another cell)", 0, moved);
}

}  // namespace

ConformanceResult run_conformance(const std::string& path, BackendKind backend, double tol) {
  constexpr uint64_t kMaxVectorBytes = uint64_t{256} << 20;  // the largest bundled vector is ~100 kB
  return run_conformance_text(read_input_text(path, "conformance vector", kMaxVectorBytes), path, backend, tol);
}

ConformanceResult run_conformance_text(const std::string& text, const std::string& path, BackendKind backend,
                                       double tol) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
  ConformanceResult res;
  res.path = path;
  try {
    res.name = need(doc, "name").is_string() ? doc.at("name").get<std::string>() : throw Bad("name must be a string");
    const Scene sc = read_scene(doc);
    const WorldConfig& cfg = sc.cfg;
    const int G = cfg.n_groups();
    auto world = make_world(backend, cfg);
    const GroupTable& gt = world->groups();
    Checker check{res, tol};
    if (doc.value("placement", std::string("custom")) == "default") check_default_layout(sc, check);
    world->reset(0, sc.positions);

    auto slot_of = [&](const std::string& name) -> int64_t {  // "group:index"
      const auto colon = name.find(':');
      if (colon == std::string::npos) throw Bad("agent '" + name + "' is not GROUP:INDEX");
      const int g = cfg.group_index(name.substr(0, colon));
      if (g < 0) throw Bad("agent '" + name + "': unknown group");
      const std::string digits = name.substr(colon + 1);
      if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
        throw Bad("agent '" + name + "': bad index");
      const int64_t k = std::stoll(digits);
      if (k >= gt.count(g)) throw Bad("agent '" + name + "': index beyond its group's " + std::to_string(gt.count(g)));
      return gt.begin[g] + k;
    };
    auto name_of = [&](int64_t i) {
      int g = 0;
      while (i >= gt.begin[g + 1]) ++g;
      return cfg.groups[static_cast<size_t>(g)].name + ":" + std::to_string(i - gt.begin[g]);
    };

    // (t, "group:index", field) -> skipped one by one, compared as a sum.
    std::set<std::tuple<int, std::string, std::string>> skip;
    std::vector<std::tuple<int, std::vector<std::string>, std::string, double>> sums;
    for (const auto& od : doc.value("order_dependent_fields", json::array())) {
      const int t = need_int(need(od, "t"), "order_dependent_fields t", 0, 1 << 30);
      const auto names = need(od, "agents").get<std::vector<std::string>>();
      const auto field = need(od, "field").get<std::string>();
      for (const auto& a : names) {
        slot_of(a);
        skip.emplace(t, a, field);
      }
      sums.emplace_back(t, names, field, need(od, "invariant_sum").get<double>());
    }

    const json& actions = doc.at("actions");
    int next_t = 0;  // t = 0 (the placement), then one entry per step: each entry with t > 0 plays a step
    for (const auto& step : need(doc, "steps")) {
      const int t = need_int(need(step, "t"), "steps t", 0, static_cast<long long>(actions.size()));
      if (t != next_t)
        throw Bad("steps t " + std::to_string(t) + " out of order: the steps are t = 0, 1, 2, ... (expected t = " +
                  std::to_string(next_t) + ")");
      ++next_t;
      if (t > 0) {
        const json& at = actions.at(static_cast<size_t>(t - 1));
        if (!at.is_array() || static_cast<int>(at.size()) != G)
          throw Bad("actions of step " + std::to_string(t) + " must list the " + std::to_string(G) + " groups");
        std::vector<uint8_t> acts(static_cast<size_t>(world->n_agents()));
        for (int g = 0; g < G; ++g) {
          const TypeParams& type = gt.type[g];
          for (int64_t i = gt.begin[g]; i < gt.begin[g + 1]; ++i) acts[static_cast<size_t>(i)] = static_cast<uint8_t>(type.stay_action);
          const json& ga = at.at(static_cast<size_t>(g));
          if (ga.is_null()) continue;  // a group that never acts
          if (!ga.is_array() || static_cast<int64_t>(ga.size()) > gt.count(g))
            throw Bad("actions of step " + std::to_string(t) + ": group " + cfg.groups[static_cast<size_t>(g)].name +
                      " lists more actions than it has agents");
          for (size_t k = 0; k < ga.size(); ++k)
            if (!ga.at(k).is_null())
              acts[static_cast<size_t>(gt.begin[g]) + k] = static_cast<uint8_t>(
                  need_int(ga.at(k), "an action", 0, type.n_actions() - 1));
        }
        world->set_actions(acts);
        const StepStats& s = world->step();
        ++res.steps;
        check.exact(t, "", "done", step.value("done", false) ? 1 : 0, s.done ? 1 : 0);
      }
      const HostState st = world->snapshot();
      std::vector<uint8_t> listed(st.alive.size(), 0);
      std::map<std::string, double> got_by_key;
      for (const auto& ag : need(step, "agents")) {
        const std::string name = need(ag, "team").get<std::string>() + ":" +
                                 std::to_string(need_int(need(ag, "index"), "index", 0, 1 << 30));
        const int64_t i = slot_of(name);
        const int g = st.group[static_cast<size_t>(i)];
        listed[static_cast<size_t>(i)] = 1;
        check.exact(t, name, "id", need_integer(need(ag, "id"), name + " id"), gt.id_base[g] + (i - gt.begin[g]));
        check.exact(t, name, "x", need_integer(need(ag, "x"), name + " x"), st.x[static_cast<size_t>(i)]);
        check.exact(t, name, "y", need_integer(need(ag, "y"), name + " y"), st.y[static_cast<size_t>(i)]);
        check.exact(t, name, "alive", need(ag, "alive").get<bool>() ? 1 : 0, st.alive[static_cast<size_t>(i)]);
        const double hp_frac = static_cast<double>(st.hp[static_cast<size_t>(i)] / gt.type[g].hp_max);
        const double reward = static_cast<double>(st.reward[static_cast<size_t>(i)]);
        got_by_key[std::to_string(t) + "|" + name + "|hp_frac"] = hp_frac;
        got_by_key[std::to_string(t) + "|" + name + "|reward"] = reward;
        if (!need(ag, "hp_frac").is_null() && !skip.count({t, name, "hp_frac"}))
          check.value(t, name, "hp_frac", ag.at("hp_frac").get<double>(), hp_frac);
        if (!need(ag, "reward").is_null() && !skip.count({t, name, "reward"}))
          check.value(t, name, "reward", ag.at("reward").get<double>(), reward);
      }
      for (size_t i = 0; i < listed.size(); ++i)  // agents removed earlier must be dead here
        if (!listed[i] && t > 0) check.exact(t, name_of(static_cast<int64_t>(i)), "removed (alive)", 0, st.alive[i]);
      for (const auto& [t_sum, names, field, expected] : sums) {
        if (t_sum != t) continue;
        double got = 0;
        for (const auto& a : names) got += got_by_key[std::to_string(t) + "|" + a + "|" + field];
        check.value(t, "sum(" + std::to_string(names.size()) + " agents)", field, expected, got);
      }
      if (!step.contains("views")) continue;
      for (const auto& [name, v] : step.at("views").items()) {
        const int64_t i = slot_of(name);
        const int g = st.group[static_cast<size_t>(i)];
        const auto obs = world->observation(i);
        const ObsLayout& L = world->obs_layout(g);
        const json& view = need(v, "view");
        if (!view.is_array() || static_cast<int>(view.size()) != L.view_side)
          throw Bad("view of " + name + " must have " + std::to_string(L.view_side) + " rows");
        for (int r = 0; r < L.view_side; ++r) {
          const json& row = view.at(static_cast<size_t>(r));
          if (!row.is_array() || static_cast<int>(row.size()) != L.view_side)
            throw Bad("view of " + name + ": row " + std::to_string(r) + " must have " + std::to_string(L.view_side) + " cells");
          for (int c = 0; c < L.view_side; ++c) {
            const json& cell = row.at(static_cast<size_t>(c));
            if (!cell.is_array() || static_cast<int>(cell.size()) != L.channels)
              throw Bad("view of " + name + ": each cell must have " + std::to_string(L.channels) + " channels");
            for (int ch = 0; ch < L.channels; ++ch)
              check.value(t, name, "view[" + std::to_string(r) + "][" + std::to_string(c) + "][" + std::to_string(ch) + "]",
                          cell.at(static_cast<size_t>(ch)).get<double>(),
                          obs[(static_cast<size_t>(r) * static_cast<size_t>(L.view_side) + static_cast<size_t>(c)) *
                                  static_cast<size_t>(L.channels) + static_cast<size_t>(ch)]);
          }
        }
        const auto feat = world->features(i);
        const json& ef = need(v, "features");
        if (!ef.is_array()) throw Bad("features of " + name + " must be a list");
        check.exact(t, name, "features (count)", static_cast<long long>(ef.size()), static_cast<long long>(feat.size()));
        for (size_t k = 0; k < ef.size() && k < feat.size(); ++k)
          check.value(t, name, "features[" + std::to_string(k) + "]", ef.at(k).get<double>(), feat[k]);
      }
    }
  } catch (const Bad& e) {
    throw std::runtime_error(path + ": malformed conformance vector (" + e.what() + ")");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": malformed conformance vector (" + e.what() + ")");
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": malformed conformance vector (" + e.what() + ")");
  }
  return res;
}

}  // namespace myriad
