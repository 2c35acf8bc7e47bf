// cpu_world.cpp: the CPU backend's phases, each an OpenMP loop over a shared rule. Shared writes
// (claims, minimap counts, team counts) use the same order-free integer operations as the GPU.
#include "cpu_world.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "myriad/rules/attack.hpp"
#include "myriad/rules/grid.hpp"
#include "myriad/rules/move.hpp"
#include "myriad/rules/render.hpp"
#include "myriad/rules/reward.hpp"

namespace myriad {

namespace {

// Below this many items a phase runs on one thread: forking a team costs more than the work.
constexpr int64_t kParallelMin = 4096;

template <typename F>
void par_for(int64_t n, F f) {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) f(i);
}

void atomic_max_u64(unsigned long long* p, unsigned long long v) {
  unsigned long long cur = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (cur < v && !__atomic_compare_exchange_n(p, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

template <typename T>
void atomic_add(T* p, T v) { __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

constexpr int kSegment = 64;  // cells per sliding-window segment of the mean-action passes

}  // namespace

CpuWorld::CpuWorld(const WorldConfig& cfg) : World(cfg) {
  const auto n = static_cast<size_t>(n_);
  const auto cells = wall_.size();
  x_.assign(n, 0); y_.assign(n, 0); killer_.assign(n, -1);
  hp_.assign(n, 0); reward_.assign(n, 0); prev_reward_.assign(n, 0); hit_bonus_.assign(n, 0);
  alive_.assign(n, 0); died_.assign(n, 0); action_.assign(n, 0); hit_.assign(n, 0);
  move_state_.assign(n, 0); decision_.assign(n, 0);
  occ_.assign(cells, kEmpty);
  claim_.assign(cells, 0);
  tiles_x_ = (cfg_.width + cfg_.tile_size - 1) / cfg_.tile_size;
  tiles_y_ = (cfg_.height + cfg_.tile_size - 1) / cfg_.tile_size;
  sorted_.assign(n, 0); tile_key_.assign(n, 0);
  tile_start_.assign(static_cast<size_t>(tiles_x_) * tiles_y_ + 2, 0);
  mean_.assign(n * ma_.k_stride, 0.0f);
  feat_.assign(n * layout_.n_features, 0.0f);
  if (cfg_.mean_mode == MeanActionMode::kRadius && !ma_.gather)
    hc_.assign(static_cast<size_t>(gt_.n_groups) * cells * ma_.k_stride, 0);
  team_counts_.assign(static_cast<size_t>(kMaxGroups) * kMaxActions, 0);
  minimap_counts_.assign(static_cast<size_t>(gt_.n_groups) * layout_.view_side * layout_.view_side, 0);
  minimap_div_.assign(static_cast<size_t>(gt_.n_groups), 0);
  if (cfg_.obs_dtype == ObsDtype::kF32) obs_f32_.assign(n * layout_.row_stride(), 0.0f);
  else obs_bf16_.assign(n * layout_.row_stride(), Bf16{0});
}

AgentView CpuWorld::agents() {
  return AgentView{n_, x_.data(), y_.data(), hp_.data(), alive_.data(), died_.data(),
                   group_of_.data(), action_.data(), reward_.data(), prev_reward_.data(),
                   killer_.data(), hit_.data(), hit_bonus_.data(), move_state_.data(), decision_.data()};
}

GridView CpuWorld::grid() {
  return GridView{MapDims{cfg_.width, cfg_.height}, occ_.data(), wall_.data(), claim_.data()};
}

TileView CpuWorld::tiles() const {
  return TileView{cfg_.tile_size, tiles_x_, tiles_y_, sorted_.data(), tile_start_.data()};
}

void CpuWorld::do_reset(const std::vector<int32_t>& x, const std::vector<int32_t>& y) {
  x_ = x; y_ = y;
  for (int g = 0; g < gt_.n_groups; ++g)
    for (int64_t i = gt_.begin[g]; i < gt_.begin[g + 1]; ++i) {
      hp_[i] = gt_.type[g].hp_max;
      action_[i] = static_cast<uint8_t>(gt_.type[g].stay_action);
    }
  std::fill(alive_.begin(), alive_.end(), 1);
  std::fill(died_.begin(), died_.end(), 0);
  std::fill(reward_.begin(), reward_.end(), 0.0f);
  std::fill(prev_reward_.begin(), prev_reward_.end(), 0.0f);
  std::fill(claim_.begin(), claim_.end(), 0ULL);
  build_index();
  std::fill(mean_.begin(), mean_.end(), 0.0f);  // no action played yet
  observe(false);
}

StepStats CpuWorld::do_step() {
  const AgentView a = agents();
  const GridView g = grid();
  const GroupTable& gt = gt_;
  const uint64_t seed = seed_;
  const int64_t t = t_;
  PhaseTimes* pt = phase_sink();
  {
    PhaseScope scope(Phase::kAttack, pt);
    std::fill(died_.begin(), died_.end(), 0);
    par_for(n_, [&](int64_t i) { resolve_hits(i, a, g, gt, seed, t); });
    par_for(n_, [&](int64_t i) { classify_hit(i, a, g, gt, seed, t); });
  }
  {
    PhaseScope scope(Phase::kRecovery, pt);
    par_for(n_, [&](int64_t i) { recover_and_clear(i, a, g, gt); });
  }
  {
    PhaseScope scope(Phase::kMove, pt);
    par_for(n_, [&](int64_t i) { begin_move(i, a, gt); });
    for (int round = 0; round < kMaxMoveRounds; ++round) {
      par_for(n_, [&](int64_t i) { claim_move(i, a, g, gt, seed, t, atomic_max_u64); });
      int64_t changed = 0;
#pragma omp parallel for schedule(static) reduction(+ : changed) if (n_ >= kParallelMin)
      for (int64_t i = 0; i < n_; ++i) changed += apply_move(i, a, g, gt, seed, t) ? 1 : 0;
      if (changed == 0) break;  // a fixed point: further rounds change nothing
    }
  }
  {
    PhaseScope scope(Phase::kReward, pt);
    par_for(n_, [&](int64_t i) { compute_reward(i, a, gt); });
  }
  StepStats s{};
  {
    PhaseScope scope(Phase::kStats, pt);
    s = collect_stats();
  }
  {
    PhaseScope scope(Phase::kIndex, pt);
    build_index();
  }
  {
    PhaseScope scope(Phase::kMeanAction, pt);
    compute_mean_action();
  }
  {
    PhaseScope scope(Phase::kObserve, pt);
    observe(true);
  }
  return s;
}

StepStats CpuWorld::collect_stats() const {
  StepStats s{};
  for (int64_t i = 0; i < n_; ++i) {
    const int g = group_of_[i];
    s.alive[g] += alive_[i];
    s.kills[g] += hit_[i] == kKillingBlow;
    s.hits[g] += hit_[i] == kNonLethalHit;
    s.reward_fixed[g] += reward_fixed(reward_[i]);
  }
  return s;
}

void CpuWorld::build_index() {
  const AgentView a = agents();
  const GridView g = grid();
  par_for(static_cast<int64_t>(occ_.size()), [&](int64_t c) { clear_cell(c, g); });
  par_for(n_, [&](int64_t i) { scatter_agent(i, a, g); });
  // Stable counting sort by tile: the same order as a stable radix sort of (key, id) on the GPU.
  const TileView tv = tiles();
  const int64_t n_tiles = static_cast<int64_t>(tiles_x_) * tiles_y_;
  par_for(n_, [&](int64_t i) { tile_key_[i] = tile_key(i, a, tv); });
  std::fill(tile_start_.begin(), tile_start_.end(), 0);
  for (int64_t i = 0; i < n_; ++i) ++tile_start_[tile_key_[i] + 1];
  for (int64_t k = 0; k <= n_tiles; ++k) tile_start_[k + 1] += tile_start_[k];
  std::vector<int32_t> next(tile_start_.begin(), tile_start_.end() - 1);
  for (int64_t i = 0; i < n_; ++i) sorted_[next[tile_key_[i]]++] = static_cast<int32_t>(i);
}

void CpuWorld::compute_mean_action() {
  const AgentView a = agents();
  const GridView g = grid();
  const GroupTable& gt = gt_;
  const MeanActionParams p = ma_;
  float* out = mean_.data();
  std::fill(mean_.begin(), mean_.end(), 0.0f);
  if (cfg_.mean_mode == MeanActionMode::kOff) return;
  if (cfg_.mean_mode == MeanActionMode::kTeamWide) {
    std::fill(team_counts_.begin(), team_counts_.end(), 0u);
    uint32_t* counts = team_counts_.data();
    par_for(n_, [&](int64_t i) { team_count(i, a, counts, atomic_add<uint32_t>); });
    par_for(n_, [&](int64_t i) { mean_team_wide(i, a, gt, counts, p.k_stride, out); });
    return;
  }
  if (p.gather) {
    par_for(n_, [&](int64_t i) { mean_direct(i, a, g, gt, p, out); });
    return;
  }
  const int W = cfg_.width, H = cfg_.height;
  const int segs_x = (W + kSegment - 1) / kSegment, segs_y = (H + kSegment - 1) / kSegment;
  uint8_t* hc = hc_.data();
  const int64_t G = gt_.n_groups;
  par_for(G * H * segs_x, [&](int64_t j) {
    const int gg = static_cast<int>(j / (static_cast<int64_t>(H) * segs_x));
    const int y = static_cast<int>(j / segs_x % H), s = static_cast<int>(j % segs_x);
    mean_row_pass(gg, y, s * kSegment, std::min(W, (s + 1) * kSegment), a, g, gt, p, hc);
  });
  par_for(G * W * segs_y, [&](int64_t j) {
    const int gg = static_cast<int>(j / (static_cast<int64_t>(W) * segs_y));
    const int x = static_cast<int>(j / segs_y % W), s = static_cast<int>(j % segs_y);
    mean_column_pass(gg, x, s * kSegment, std::min(H, (s + 1) * kSegment), a, g, gt, p, hc, out);
  });
}

void CpuWorld::observe(bool acted) {
  const AgentView a = agents();
  const GridView g = grid();
  const GroupTable& gt = gt_;
  const ObsLayout L = layout_;
  if (L.minimap) {
    std::fill(minimap_counts_.begin(), minimap_counts_.end(), 0);
    std::fill(minimap_div_.begin(), minimap_div_.end(), 0);
    int32_t* counts = minimap_counts_.data();
    int32_t* div = minimap_div_.data();
    par_for(n_, [&](int64_t i) { minimap_count(i, a, L, counts, div, atomic_add<int32_t>); });
  }
  const MinimapView mm{minimap_counts_.data(), minimap_div_.data()};
  const int V = L.view_side;
  if (cfg_.obs_dtype == ObsDtype::kF32) {
    float* obs = obs_f32_.data();
    par_for(n_, [&](int64_t i) { for (int r = 0; r < V; ++r) observe_row(i, r, a, g, gt, L, mm, obs); });
  } else {
    Bf16* obs = obs_bf16_.data();
    par_for(n_, [&](int64_t i) { for (int r = 0; r < V; ++r) observe_row(i, r, a, g, gt, L, mm, obs); });
  }
  float* feat = feat_.data();
  par_for(n_, [&](int64_t i) { observe_features(i, a, g, gt, L, acted, feat); });
}

void CpuWorld::set_actions(const std::vector<uint8_t>& actions) {
  check_actions(actions);
  action_ = actions;
}

void CpuWorld::act(const std::vector<PolicySpec>& per_group) {
  check_policies(per_group);
  const AgentView a = agents();
  const GridView g = grid();
  const TileView tv = tiles();
  const GroupTable& gt = gt_;
  PhaseScope scope(Phase::kPolicy, phase_sink());
  par_for(n_, [&](int64_t i) { policy_action(i, per_group[a.group[i]], a, g, gt, tv, seed_, t_); });
}

HostState CpuWorld::snapshot() const {
  HostState s;
  s.x = x_; s.y = y_; s.occ = occ_; s.hp = hp_; s.reward = reward_;
  s.alive = alive_; s.died = died_; s.group = group_of_; s.action = action_;
  return s;
}

std::vector<float> CpuWorld::observation(int64_t i) const {
  const int64_t count = layout_.obs_stride(), pitch = layout_.row_stride();
  std::vector<float> v(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k)
    v[k] = cfg_.obs_dtype == ObsDtype::kF32 ? obs_f32_[i * pitch + k] : from_bf16(obs_bf16_[i * pitch + k]);
  return v;
}

std::vector<float> CpuWorld::features(int64_t i) const {
  return {feat_.begin() + i * layout_.n_features, feat_.begin() + (i + 1) * layout_.n_features};
}

std::vector<float> CpuWorld::mean_action(int64_t i) const {
  return {mean_.begin() + i * ma_.k_stride, mean_.begin() + (i + 1) * ma_.k_stride};
}

WorldBuffers CpuWorld::buffers() {
  WorldBuffers b;
  b.obs_f32 = obs_f32_.empty() ? nullptr : obs_f32_.data();
  b.obs_bf16 = obs_bf16_.empty() ? nullptr : obs_bf16_.data();
  b.features = feat_.data();
  b.mean_action = mean_.data();
  b.reward = reward_.data();
  b.alive = alive_.data();
  b.died = died_.data();
  b.action = action_.data();
  return b;
}

size_t CpuWorld::state_bytes() const {
  size_t b = 0;
  auto add = [&b](const auto& v) { b += v.size() * sizeof(v[0]); };
  add(x_); add(y_); add(killer_); add(occ_); add(sorted_); add(tile_start_); add(tile_key_);
  add(hp_); add(reward_); add(prev_reward_); add(hit_bonus_); add(mean_); add(feat_);
  add(alive_); add(died_); add(action_); add(hit_); add(move_state_); add(decision_); add(hc_);
  add(claim_); add(obs_f32_); add(obs_bf16_); add(wall_); add(group_of_);
  return b;
}

std::unique_ptr<World> make_cpu_world(const WorldConfig& cfg) { return std::make_unique<CpuWorld>(cfg); }

std::vector<uint8_t> CpuWorld::render(const RenderParams& rp) {
  if (const char* err = render_params_error(rp, cfg_.width, cfg_.height)) throw std::invalid_argument(err);
  std::vector<uint8_t> rgb(static_cast<size_t>(rp.n_pixels()) * 3);
  const GridView g = grid();
  const AgentView a = agents();
  par_for(rp.n_pixels(), [&](int64_t p) { render_pixel(p, g, a, gt_, rp, rgb.data()); });
  return rgb;
}

}  // namespace myriad
