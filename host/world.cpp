// world.cpp: World: the derived tables of a config (groups, reward rules, observation layouts, mean-action
// parameters), its buffers on the backend (one list, for the memory plan and the allocation), the map
// set-up at reset, and the bookkeeping around the backend's world program.
#include "myriad/world.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <type_traits>

#include "myriad/engine/world_program.hpp"
#include "myriad/games/game.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/placement.hpp"
#include "world_tables.hpp"

namespace myriad {

struct World::Buffers {
  Buffer<int32_t> x, y, killer, occ, ids, sorted_ids, tile_start, minimap_counts, minimap_div, move_list;
  Buffer<float> hp, reward, prev_reward, hit_bonus, rule_bonus, taken, mean, feat, obs_f32;
  Buffer<uint8_t> alive, died, group, action, hit, pair_hits, move_state, decision, wall, hc;
  Buffer<unsigned long long> claim, stats, moved;
  Buffer<uint32_t> tile_keys, sorted_keys, team_counts;
  Buffer<Bf16> obs_bf16;

  // Calls f(buffer, element count) for every buffer (b may be null: sizes only), one list for the
  // plan, the allocation and the state's pointers.
  template <typename F>
  static void each(Buffers* b, const Sizes& s, F&& f) {
    auto at = [b](auto member) { return b != nullptr ? &(b->*member) : nullptr; };
    const size_t n = s.n;
    f(at(&Buffers::x), n); f(at(&Buffers::y), n); f(at(&Buffers::killer), n);
    f(at(&Buffers::hp), n); f(at(&Buffers::reward), n); f(at(&Buffers::prev_reward), n);
    f(at(&Buffers::hit_bonus), n); f(at(&Buffers::rule_bonus), n); f(at(&Buffers::taken), n);
    f(at(&Buffers::alive), n); f(at(&Buffers::died), n); f(at(&Buffers::group), n); f(at(&Buffers::action), n);
    f(at(&Buffers::hit), n); f(at(&Buffers::pair_hits), n); f(at(&Buffers::move_state), n);
    f(at(&Buffers::decision), n);
    f(at(&Buffers::occ), s.cells); f(at(&Buffers::wall), s.cells); f(at(&Buffers::claim), s.cells);
    f(at(&Buffers::tile_keys), n); f(at(&Buffers::sorted_keys), n); f(at(&Buffers::ids), n);
    f(at(&Buffers::sorted_ids), n); f(at(&Buffers::tile_start), s.tile_starts);
    f(at(&Buffers::mean), s.mean); f(at(&Buffers::feat), s.feat);
    f(at(&Buffers::obs_f32), s.bf16 ? 0 : s.obs); f(at(&Buffers::obs_bf16), s.bf16 ? s.obs : 0);
    f(at(&Buffers::hc), s.hc);
    f(at(&Buffers::team_counts), static_cast<size_t>(kMaxGroups) * kMaxActions);
    f(at(&Buffers::minimap_counts), s.minimap); f(at(&Buffers::minimap_div), s.groups);
    f(at(&Buffers::stats), static_cast<size_t>(kStatSlots)); f(at(&Buffers::moved), 1);
    f(at(&Buffers::move_list), s.host_lists ? n : 0);
  }
};

size_t World::planned_bytes(const WorldConfig& cfg, bool on_device) {
  const std::string err = validate(cfg);
  if (!err.empty()) throw std::invalid_argument(err);
  Sizes s = sizes_of(cfg, layouts_of(cfg), mean_params_of(cfg));
  s.host_lists = !on_device;
  size_t bytes = 0;
  Buffers::each(nullptr, s, [&bytes](auto* b, size_t count) {
    bytes += count * sizeof(typename std::remove_pointer_t<decltype(b)>::value_type);
  });
  return bytes;
}

size_t World::reset_host_bytes(const WorldConfig& cfg) {
  const size_t cells = static_cast<size_t>(cfg.width) * static_cast<size_t>(cfg.height);
  const bool random_cells = cfg.placement == Placement::kRandom || cfg.random_walls > 0 ||
                            game_spec(cfg.scenario).places_at_random;
  // The kept wall copy, the grid being built, two occupancy grids (placement's, reset's) and the keys.
  const size_t per_cell = 4 + (random_cells ? sizeof(uint64_t) : 0);
  // Positions, their x and y columns, and the host copy of the groups.
  const size_t per_agent = sizeof(Cell) + 2 * sizeof(int32_t) + 1;
  return cells * per_cell + static_cast<size_t>(cfg.n_agents()) * per_agent;
}

namespace {

// One line: what the world needs against what is usable, and the largest world of this kind that fits:
// the population on this map, or (when the map alone does not fit) the map side.
std::string memory_refusal(const WorldConfig& cfg, const char* where, size_t need, size_t usable,
                           const std::function<size_t(const WorldConfig&)>& bytes_of) {
  WorldConfig one = cfg;
  for (GroupConfig& g : one.groups) g.count = std::min<int64_t>(g.count, 1);
  const int64_t n = cfg.n_agents(), n1 = one.n_agents();
  size_t base = 0;
  try {
    base = bytes_of(one);
  } catch (const std::invalid_argument&) {  // a game that needs more than one agent per group: no map share
  }
  const size_t per_agent = n > n1 ? (need - std::min(need, base) + static_cast<size_t>(n - n1) - 1) /
                                        static_cast<size_t>(n - n1)
                                  : 0;
  const size_t cells = static_cast<size_t>(cfg.width) * static_cast<size_t>(cfg.height);
  const size_t map_part = base > static_cast<size_t>(n1) * per_agent ? base - static_cast<size_t>(n1) * per_agent : 0;
  std::string msg = std::string(where) + ": this world (" + std::to_string(n) + " agents on " +
                    std::to_string(cfg.width) + "x" + std::to_string(cfg.height) + ") needs " + gib(need) +
                    " but " + gib(usable) + " is usable (" + std::to_string(per_agent) + " bytes per agent, " +
                    std::to_string(map_part / std::max<size_t>(cells, 1)) + " per map cell); ";
  if (map_part < usable && per_agent > 0) {
    const size_t fit = (usable - map_part) / per_agent;
    return msg + "at most about " + std::to_string(fit) + " agents fit on this map" +
           (cfg.obs_dtype == ObsDtype::kF32 ? " (more with obs_dtype bf16)" : "");
  }
  const double side = std::sqrt(static_cast<double>(usable) / static_cast<double>(std::max<size_t>(map_part / std::max<size_t>(cells, 1), 1)));
  return msg + "the map alone does not fit: a side of at most about " + std::to_string(static_cast<int64_t>(side * 0.9)) +
         " would leave room for agents";
}

}  // namespace

void World::check_memory(const WorldConfig& cfg, const Backend& be) {
  const bool dev = be.on_device();
  // On the CPU the buffers and the reset's host memory share the host.
  auto backend_bytes = [dev](const WorldConfig& c) { return planned_bytes(c, dev) + (dev ? 0 : reset_host_bytes(c)); };
  const size_t need = backend_bytes(cfg);
  const size_t avail = be.available_bytes();
  const size_t usable = usable_bytes(avail, dev);
  if (avail > 0 && need > usable)
    throw MemoryRefusal(memory_refusal(cfg, dev ? "cuda backend (device memory)" : "cpu backend", need, usable,
                                            backend_bytes));
  if (!dev) return;
  const size_t host_need = reset_host_bytes(cfg);
  const size_t host_avail = host_available_bytes();
  const size_t host_usable = usable_bytes(host_avail, false);
  if (host_avail > 0 && host_need > host_usable)
    throw MemoryRefusal(memory_refusal(cfg, "cuda backend (host memory for the map set-up)", host_need, host_usable,
                                            reset_host_bytes));
}

World::World(std::shared_ptr<Backend> backend, WorldConfig cfg) : be_(std::move(backend)), cfg_(std::move(cfg)) {
  const std::string err = validate(cfg_);
  if (!err.empty()) throw std::invalid_argument(err);
  n_ = cfg_.n_agents();
  WorldState& st = state_;
  st.gt = group_table_of(cfg_);
  st.obs = layouts_of(cfg_);
  st.ma = mean_params_of(cfg_);
  st.mean_mode = cfg_.mean_mode;
  Sizes s = sizes_of(cfg_, st.obs, st.ma);
  s.host_lists = !be_->on_device();

  check_memory(cfg_, *be_);  // before the first allocation
  const size_t need = planned_bytes(cfg_, be_->on_device());
  buf_ = std::make_unique<Buffers>();
  Backend& be = *be_;
  Buffers::each(buf_.get(), s, [&be](auto* b, size_t count) {
    using T = typename std::remove_pointer_t<decltype(b)>::value_type;
    *b = Buffer<T>(be, count);
  });
  bytes_ = need;
  Buffers& b = *buf_;

  group_of_.resize(static_cast<size_t>(n_));
  for (int g = 0; g < st.gt.n_groups; ++g)
    for (int64_t i = st.gt.begin[g]; i < st.gt.begin[g + 1]; ++i) group_of_[static_cast<size_t>(i)] = static_cast<uint8_t>(g);
  b.group.upload(group_of_);
  std::vector<int32_t> ids(static_cast<size_t>(n_));
  for (int64_t i = 0; i < n_; ++i) ids[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  b.ids.upload(ids);

  st.a = AgentView{n_,           b.x.data(),          b.y.data(),         b.hp.data(),        b.alive.data(),
                   b.died.data(), b.group.data(),     b.action.data(),    b.reward.data(),    b.prev_reward.data(),
                   b.killer.data(), b.hit.data(),      b.hit_bonus.data(), b.rule_bonus.data(), b.taken.data(),
                   b.pair_hits.data(), b.move_state.data(), b.decision.data()};
  st.g = GridView{MapDims{cfg_.width, cfg_.height}, b.occ.data(), b.wall.data(), b.claim.data()};
  const int tiles_x = (cfg_.width + cfg_.tile_size - 1) / cfg_.tile_size;
  const int tiles_y = (cfg_.height + cfg_.tile_size - 1) / cfg_.tile_size;
  st.tiles = TileView{cfg_.tile_size, tiles_x, tiles_y, b.sorted_ids.data(), b.tile_start.data()};
  st.tile_keys = b.tile_keys.data();
  st.sorted_keys = b.sorted_keys.data();
  st.ids = b.ids.data();
  st.sorted_ids = b.sorted_ids.data();
  st.tile_start = b.tile_start.data();
  st.sort_end_bit = tile_key_bits(static_cast<int64_t>(tiles_x) * tiles_y);
  st.mean = b.mean.data();
  st.hc = b.hc.empty() ? nullptr : b.hc.data();
  st.team_counts = b.team_counts.data();
  st.obs_f32 = b.obs_f32.empty() ? nullptr : b.obs_f32.data();
  st.obs_bf16 = b.obs_bf16.empty() ? nullptr : b.obs_bf16.data();
  st.feat = b.feat.data();
  st.minimap_counts = b.minimap_counts.empty() ? nullptr : b.minimap_counts.data();
  st.minimap_div = b.minimap_div.data();
  st.stats = b.stats.data();
  st.moved = b.moved.data();
  st.move_list = b.move_list.empty() ? nullptr : b.move_list.data();
  be_->reserve_primitives(n_, st.sort_end_bit);  // no allocation mid-step
  be_->synchronize();
}

World::~World() {
  if (be_) be_->synchronize();
}

void World::upload_walls(std::vector<uint8_t> wall) {
  if (wall == wall_) return;
  buf_->wall.upload(wall);
  wall_ = std::move(wall);
}

void World::set_population(const std::vector<int64_t>& per_group) {
  GroupTable& gt = state_.gt;
  if (static_cast<int>(per_group.size()) != gt.n_groups)
    throw std::invalid_argument("population: " + std::to_string(per_group.size()) + " counts for " +
                                std::to_string(gt.n_groups) + " groups");
  for (int g = 0; g < gt.n_groups; ++g) {
    const int64_t n = per_group[static_cast<size_t>(g)], size = gt.count(g);
    if (n < std::min<int64_t>(1, size) || n > size)
      throw std::invalid_argument("population: group " + cfg_.groups[static_cast<size_t>(g)].name + " of " +
                                  std::to_string(size) + " agents cannot field " + std::to_string(n) +
                                  "; give 1 to " + std::to_string(size));
  }
  for (int g = 0; g < gt.n_groups; ++g) gt.present[g] = per_group[static_cast<size_t>(g)];
}

// A population smaller than the slots (set_population) is placed as the game places that many; a game
// whose generator lays out fixed counts (battlefield, gather, combined_arms) keeps its layout and
// fields an evenly spread subset of each group's places in it.
void World::reset(uint64_t seed) {
  std::vector<uint8_t> wall = build_walls(cfg_, seed);
  const GroupTable& gt = state_.gt;
  WorldConfig fielded = cfg_;  // the config as placement sees it: the groups at their population
  int64_t taking_part = 0;
  for (int g = 0; g < gt.n_groups; ++g) taking_part += fielded.groups[static_cast<size_t>(g)].count = gt.present[g];
  if (taking_part < n_) {
    std::vector<Cell> placed = place_agents(fielded, wall, seed);
    const bool as_asked = static_cast<int64_t>(placed.size()) == taking_part;
    if (!as_asked) std::vector<Cell>().swap(placed);  // freed before the layout (reset_host_bytes' peak)
    const std::vector<Cell> layout = as_asked ? std::vector<Cell>{} : place_agents(cfg_, wall, seed);
    if (as_asked || static_cast<int64_t>(layout.size()) == n_) {
      std::vector<Cell> pos(static_cast<size_t>(n_), Cell{0, 0});  // slots not fielded: not read
      size_t next = 0;
      for (int g = 0; g < gt.n_groups; ++g)
        for (int64_t r = 0; r < gt.present[g]; ++r)
          pos[static_cast<size_t>(gt.begin[g] + r)] =
              as_asked ? placed[next++] : layout[static_cast<size_t>(gt.begin[g] + r * gt.count(g) / gt.present[g])];
      reset_at(seed, std::move(wall), pos);
      return;
    }
  }
  const std::vector<Cell> pos = place_agents(cfg_, wall, seed);
  if (static_cast<int64_t>(pos.size()) != n_)
    throw std::invalid_argument("placement: " + std::string(scenario_name(cfg_.scenario)) + "'s map generator places " +
                                std::to_string(pos.size()) + " agents on this map but the config has " +
                                std::to_string(n_) + "; use placement random or the game's counts");
  reset_at(seed, std::move(wall), pos);
}

void World::reset(uint64_t seed, const std::vector<Cell>& positions) {
  reset_at(seed, build_walls(cfg_, seed), positions);
}

void World::reset_at(uint64_t seed, std::vector<uint8_t> wall, const std::vector<Cell>& positions) {
  if (static_cast<int64_t>(positions.size()) != n_)
    throw std::invalid_argument("reset: " + std::to_string(positions.size()) + " positions for " +
                                std::to_string(n_) + " agents");
  const int W = cfg_.width, H = cfg_.height;
  const GroupTable& gt = state_.gt;
  std::vector<uint8_t> taken(wall);
  std::vector<int32_t> x(static_cast<size_t>(n_), 0), y(static_cast<size_t>(n_), 0);
  for (int64_t i = 0; i < n_; ++i) {
    const int gi = group_of_[static_cast<size_t>(i)];
    if (!gt.takes_part(i, gi)) continue;
    const auto [px, py] = positions[static_cast<size_t>(i)];
    const GroupConfig& gc = cfg_.groups[static_cast<size_t>(gi)];
    const int w = gc.type.body_w, h = gc.type.body_h;
    if (px < 0 || py < 0 || px + w > W || py + h > H)
      throw std::invalid_argument("reset: agent " + std::to_string(i) + " (" + gc.name + ") at (" + std::to_string(px) +
                                  ", " + std::to_string(py) + ") is off the " + std::to_string(W) + "x" +
                                  std::to_string(H) + " map");
    if (!body_fits(taken, W, H, px, py, w, h))
      throw std::invalid_argument("reset: agent " + std::to_string(i) + " (" + gc.name + ") at (" + std::to_string(px) +
                                  ", " + std::to_string(py) + ") is placed on a wall or another agent");
    for (int by = 0; by < h; ++by)
      for (int bx = 0; bx < w; ++bx) taken[static_cast<size_t>(py + by) * W + px + bx] = 1;
    x[static_cast<size_t>(i)] = px;
    y[static_cast<size_t>(i)] = py;
  }
  upload_walls(std::move(wall));
  buf_->x.upload(x);
  buf_->y.upload(y);
  seed_ = seed;
  t_ = 0;
  state_.seed = seed;
  state_.t = 0;
  if (clock_) clock_->forget();  // a policy timed before a reset belongs to no step
  tiles_sorted_at_ = -1;
  be_->world().reset(state_);
  be_->synchronize();
  last_ = StepStats{};
  last_.n_groups = state_.gt.n_groups;
  for (int g = 0; g < state_.gt.n_groups; ++g) last_.alive[g] = gt.present[g];
}

const StepStats& World::step() {
  if (done()) throw std::logic_error("step() after the episode ended; call reset()");
  state_.t = t_;
  be_->world().step(state_, clock_.get());
  unsigned long long h[kStatSlots];
  be_->to_host(h, state_.stats, sizeof h);  // the one copy of the step (waits for it)
  if (clock_) {
    last_phase_times_ = PhaseTimes{};
    clock_->read(last_phase_times_);
  }
  ++t_;
  last_ = StepStats{};
  last_.step = t_;
  last_.n_groups = state_.gt.n_groups;
  for (int g = 0; g < state_.gt.n_groups; ++g) {
    last_.alive[g] = static_cast<int64_t>(h[kStatAlive * kMaxGroups + g]);
    last_.deaths[g] = static_cast<int64_t>(h[kStatDeaths * kMaxGroups + g]);
    last_.kills[g] = static_cast<int64_t>(h[kStatKills * kMaxGroups + g]);
    last_.hits[g] = static_cast<int64_t>(h[kStatHits * kMaxGroups + g]);
    last_.reward_fixed[g] = static_cast<long long>(h[kStatReward * kMaxGroups + g]);
    last_.done = last_.done || last_.alive[g] == 0;
  }
  last_.truncated = !last_.done && t_ >= cfg_.max_steps;
  return last_;
}

void World::check_actions(const std::vector<uint8_t>& actions) const {
  if (static_cast<int64_t>(actions.size()) != n_)
    throw std::invalid_argument("set_actions: " + std::to_string(actions.size()) + " actions for " +
                                std::to_string(n_) + " agents");
  for (int64_t i = 0; i < n_; ++i) {
    const int k = state_.gt.type[group_of_[static_cast<size_t>(i)]].n_actions();
    if (actions[static_cast<size_t>(i)] >= k)
      throw std::invalid_argument("set_actions: action " + std::to_string(actions[static_cast<size_t>(i)]) +
                                  " of agent " + std::to_string(i) + " is out of range (its group has actions 0-" +
                                  std::to_string(k - 1) + ")");
  }
}

void World::set_actions(const std::vector<uint8_t>& actions) {
  check_actions(actions);
  buf_->action.upload(actions);
}

void World::act(const std::vector<PolicySpec>& per_group) {
  const GroupTable& gt = state_.gt;
  if (static_cast<int>(per_group.size()) != gt.n_groups)
    throw std::invalid_argument("act: " + std::to_string(per_group.size()) + " policies for " +
                                std::to_string(gt.n_groups) + " groups");
  PolicyTable table{};
  for (int g = 0; g < gt.n_groups; ++g) {
    const PolicySpec& p = per_group[static_cast<size_t>(g)];
    const int k = gt.type[g].n_actions();
    if (p.kind == PolicyKind::kRandom && p.hi >= 0 && (p.lo < 0 || p.lo > p.hi || p.hi >= k))
      throw std::invalid_argument("policy random:" + std::to_string(p.lo) + "-" + std::to_string(p.hi) +
                                  " for group " + cfg_.groups[static_cast<size_t>(g)].name + ": actions are 0-" +
                                  std::to_string(k - 1));
    table.spec[g] = p;
  }
  state_.t = t_;
  bool scripted = false;
  for (int g = 0; g < gt.n_groups; ++g) scripted = scripted || table.spec[g].kind == PolicyKind::kScripted;
  if (scripted && tiles_sorted_at_ != t_) {  // the tile index of this step's state, sorted once
    PhaseGuard guard(clock_.get(), Phase::kIndex);
    be_->world().sort_tiles(state_);
    tiles_sorted_at_ = t_;
  }
  PhaseGuard guard(clock_.get(), Phase::kPolicy);
  be_->world().act(state_, table);
}

void World::check_agent(int64_t i) const {
  if (i < 0 || i >= n_)
    throw std::out_of_range("agent " + std::to_string(i) + " out of range [0, " + std::to_string(n_) + ")");
}

HostState World::snapshot() const {
  const Buffers& b = *buf_;
  HostState h;
  h.x = b.x.to_vector();
  h.y = b.y.to_vector();
  h.occ = b.occ.to_vector();
  h.hp = b.hp.to_vector();
  h.reward = b.reward.to_vector();
  h.alive = b.alive.to_vector();
  h.died = b.died.to_vector();
  h.group = group_of_;
  h.action = b.action.to_vector();
  h.wall = wall_;
  return h;
}

std::vector<float> World::observation(int64_t i) const {
  check_agent(i);
  const int g = group_of_[static_cast<size_t>(i)];
  const ObsLayout& L = state_.obs.g[g];
  const size_t first = static_cast<size_t>(L.obs_offset + (i - state_.gt.begin[g]) * L.row_stride());
  const size_t count = static_cast<size_t>(L.obs_stride());
  if (!buf_->obs_f32.empty()) return buf_->obs_f32.to_vector(first, count);
  const std::vector<Bf16> raw = buf_->obs_bf16.to_vector(first, count);
  std::vector<float> v(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) v[k] = from_bf16(raw[k]);
  return v;
}

std::vector<float> World::features(int64_t i) const {
  check_agent(i);
  const int g = group_of_[static_cast<size_t>(i)];
  const ObsLayout& L = state_.obs.g[g];
  return buf_->feat.to_vector(static_cast<size_t>(L.feat_offset + (i - state_.gt.begin[g]) * L.n_features),
                              static_cast<size_t>(L.n_features));
}

std::vector<float> World::mean_action(int64_t i) const {
  check_agent(i);
  const auto k = static_cast<size_t>(state_.ma.k_stride);
  return buf_->mean.to_vector(static_cast<size_t>(i) * k, k);
}

std::vector<uint8_t> World::render(const RenderParams& rp) {
  if (const char* err = render_params_error(rp, cfg_.width, cfg_.height)) throw std::invalid_argument(err);
  Buffer<uint8_t> rgb(*be_, static_cast<size_t>(rp.n_pixels()) * 3);
  be_->world().render(state_, rp, rgb.data());
  return rgb.to_vector();
}

GroupBuffers World::group_buffers(int g) {
  if (g < 0 || g >= state_.gt.n_groups) throw std::out_of_range("group " + std::to_string(g) + " out of range");
  Buffers& b = *buf_;
  const ObsLayout& L = state_.obs.g[g];
  const int64_t begin = state_.gt.begin[g];
  GroupBuffers out;
  out.on_device = be_->on_device();
  out.count = state_.gt.count(g);
  out.obs_f32 = b.obs_f32.empty() ? nullptr : b.obs_f32.data() + L.obs_offset;
  out.obs_bf16 = b.obs_bf16.empty() ? nullptr : b.obs_bf16.data() + L.obs_offset;
  out.view_size = L.obs_stride();
  out.row_stride = L.row_stride();
  out.features = b.feat.data() + L.feat_offset;
  out.n_features = L.n_features;
  out.mean_action = b.mean.data() + begin * state_.ma.k_stride;
  out.k_stride = state_.ma.k_stride;
  out.reward = b.reward.data() + begin;
  out.alive = b.alive.data() + begin;
  out.died = b.died.data() + begin;
  out.action = b.action.data() + begin;
  out.x = b.x.data() + begin;
  out.y = b.y.data() + begin;
  return out;
}

void World::set_phase_timing(bool on) {
  if (on && !clock_) clock_ = be_->make_clock();
  if (!on) clock_.reset();
  last_phase_times_ = PhaseTimes{};
}

namespace {
template <typename T>
void fnv(uint64_t& h, const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  for (size_t k = 0; k < v.size() * sizeof(T); ++k) { h ^= p[k]; h *= 1099511628211ULL; }
}
}  // namespace

uint64_t HostState::hash() const {
  uint64_t h = 1469598103934665603ULL;
  fnv(h, x); fnv(h, y); fnv(h, occ); fnv(h, hp); fnv(h, reward);
  fnv(h, alive); fnv(h, died); fnv(h, group); fnv(h, action); fnv(h, wall);
  return h;
}

std::unique_ptr<World> make_cpu_world(const WorldConfig& cfg) { return std::make_unique<World>(make_cpu_backend(), cfg); }

std::unique_ptr<World> make_cuda_world(const WorldConfig& cfg) { return std::make_unique<World>(make_cuda_backend(), cfg); }

std::unique_ptr<World> make_world(BackendKind kind, const WorldConfig& cfg) {
  if (resolve_backend(kind) == BackendKind::kCpu) return make_cpu_world(cfg);
  if (kind == BackendKind::kCuda) return make_cuda_world(cfg);
  try {  // auto: a device that answers but cannot hold this world falls back to the CPU, loudly
    return make_cuda_world(cfg);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "myriad: backend auto: CUDA unusable (%s); using the cpu backend\n", e.what());
    return make_cpu_world(cfg);
  }
}

}  // namespace myriad
