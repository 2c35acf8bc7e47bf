// engine/world_phases.hpp: the world's phases and the order of one step, written once over an executor
// (CpuExec: OpenMP loops; gpu::CudaExec: kernels over the same lambdas) and the backend's primitives.
// Each phase is a few loops over a shared rule (rules/*.hpp); nothing here knows which backend runs it.
// Instantiated in host/cpu_backend.cpp and kernels/cuda_backend.cu (WorldProgramFor<Exec>).
#pragma once
#include "myriad/backend.hpp"
#include "myriad/engine/world_program.hpp"
#include "myriad/engine/world_state.hpp"
#include "myriad/exec.hpp"
#include "myriad/rules/attack.hpp"
#include "myriad/rules/grid.hpp"
#include "myriad/rules/mean_action.hpp"
#include "myriad/rules/move.hpp"
#include "myriad/rules/observe.hpp"
#include "myriad/rules/policy.hpp"
#include "myriad/rules/render.hpp"
#include "myriad/rules/reward.hpp"

namespace myriad {

constexpr int kMeanSegment = 64;  // cells per sliding-window segment of the mean-action passes

// Occupancy from the alive agents' bodies (at reset; during a step the rules keep it: the dead leave
// their cells in recover_and_clear, a move rewrites its body's cells in apply_move).
template <typename Ex>
void build_occupancy(const Ex& ex, const WorldState& s) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  ex.for_each(g.dims.n_cells(), MYRIAD_LAMBDA(int64_t c) { clear_cell(c, g); });
  ex.for_each(a.n, MYRIAD_LAMBDA(int64_t i) { scatter_agent(i, a, g, gt); });
}

// The alive agents sorted by the tile of their anchor (stable by id) and each tile's start: what the
// scripted policy searches (World sorts on demand, before a scripted act).
template <typename Ex>
void sort_by_tile(const Ex& ex, Backend& be, const WorldState& s) {
  const AgentView a = s.a;
  const TileView tv = s.tiles;
  uint32_t* keys = s.tile_keys;
  const uint32_t* sorted_keys = s.sorted_keys;
  int32_t* tile_start = s.tile_start;
  const int64_t n = a.n;
  ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { keys[i] = static_cast<uint32_t>(tile_key(i, a, tv)); });
  be.sort_pairs(s.tile_keys, s.sorted_keys, s.ids, s.sorted_ids, n, s.sort_end_bit);
  const int64_t n_starts = static_cast<int64_t>(tv.tiles_x) * tv.tiles_y + 2;
  ex.for_each(n_starts, MYRIAD_LAMBDA(int64_t k) { tile_start[k] = tile_start_of(k, sorted_keys, n); });
}

// The two sliding-window passes of a Chebyshev radius.
template <typename Ex>
void mean_sliding(const Ex& ex, const WorldState& s) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  const MeanActionParams p = s.ma;
  float* out = s.mean;
  const int W = g.dims.width, H = g.dims.height;
  const int segs_x = (W + kMeanSegment - 1) / kMeanSegment, segs_y = (H + kMeanSegment - 1) / kMeanSegment;
  const int64_t G = gt.n_groups;
  uint8_t* hc = s.hc;
  ex.for_each(G * H * segs_x, MYRIAD_LAMBDA(int64_t j) {  // per (group, row, segment)
    const int gg = static_cast<int>(j / (static_cast<int64_t>(H) * segs_x));
    const int y = static_cast<int>(j / segs_x % H), sg = static_cast<int>(j % segs_x);
    const int x1 = (sg + 1) * kMeanSegment < W ? (sg + 1) * kMeanSegment : W;
    mean_row_pass(gg, y, sg * kMeanSegment, x1, a, g, gt, p, hc);
  });
  ex.for_each(G * W * segs_y, MYRIAD_LAMBDA(int64_t j) {  // per (group, segment, column): neighbours coalesce
    const int gg = static_cast<int>(j / (static_cast<int64_t>(W) * segs_y));
    const int sg = static_cast<int>(j / W % segs_y), x = static_cast<int>(j % W);
    const int y1 = (sg + 1) * kMeanSegment < H ? (sg + 1) * kMeanSegment : H;
    mean_column_pass(gg, x, sg * kMeanSegment, y1, a, g, gt, p, hc, out);
  });
}

template <typename Ex>
void compute_mean_action(const Ex& ex, Backend& be, const WorldState& s) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  const MeanActionParams p = s.ma;
  float* out = s.mean;
  const int64_t n = a.n;
  if (s.mean_mode == MeanActionMode::kOff) return;  // zeroed at reset, never written
  be.zero(s.mean, static_cast<size_t>(n) * static_cast<size_t>(p.k_stride) * sizeof(float));
  if (s.mean_mode == MeanActionMode::kTeamWide) {
    uint32_t* counts = s.team_counts;
    be.zero(counts, static_cast<size_t>(kMaxGroups) * kMaxActions * sizeof(uint32_t));
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { team_count(i, a, counts, AtomicAdd{}); });
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { mean_team_wide(i, a, gt, counts, p.k_stride, out); });
    return;
  }
  if (s.mean_mode == MeanActionMode::kNearest) {
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { mean_nearest(i, a, g, gt, p, out); });
    return;
  }
  if (p.gather) {  // Euclidean, or Chebyshev where a gather is cheaper than the sliding passes
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { mean_direct(i, a, g, gt, p, out); });
  } else {
    mean_sliding(ex, s);
  }
  if (p.nearest_groups != 0) {  // these groups' rows, overwritten
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) {
      if ((p.nearest_groups >> a.group[i]) & 1u) mean_nearest(i, a, g, gt, p, out);
    });
  }
}

template <typename Ex>
void observe(const Ex& ex, Backend& be, const WorldState& s, bool acted) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  const ObsLayouts Ls = s.obs;
  const int64_t n = a.n;
  if (Ls.g[0].minimap) {
    int32_t* counts = s.minimap_counts;
    int32_t* div = s.minimap_div;
    const size_t bins = static_cast<size_t>(gt.n_groups) * gt.n_groups * Ls.max_side * Ls.max_side;
    be.zero(counts, bins * sizeof(int32_t));
    be.zero(div, static_cast<size_t>(gt.n_groups) * sizeof(int32_t));
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { minimap_count(i, a, gt, Ls, counts, div, AtomicAdd{}); });
  }
  const MinimapView mm{s.minimap_counts, s.minimap_div};
  for (int gg = 0; gg < gt.n_groups; ++gg) {  // each group over its own window's rows
    if (!Ls.observed[gg]) continue;
    const int64_t first = gt.begin[gg];
    if (s.obs_f32 != nullptr) {
      float* obs = s.obs_f32;
      ex.for_each_rows(gt.count(gg), Ls.g[gg].view_side, MYRIAD_LAMBDA(int64_t i, int r0, int r1) {
        observe_rows(first + i, r0, r1, a, g, gt, Ls, mm, obs);
      });
    } else {
      Bf16* obs = s.obs_bf16;
      ex.for_each_rows(gt.count(gg), Ls.g[gg].view_side, MYRIAD_LAMBDA(int64_t i, int r0, int r1) {
        observe_rows(first + i, r0, r1, a, g, gt, Ls, mm, obs);
      });
    }
  }
  float* feat = s.feat;
  ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { observe_features(i, a, g, gt, Ls, acted, feat); });
}

// Every agent that takes part alive with its type's hp (the others dead, off the map) and the stay
// action, no rewards; then the index, no mean action (nothing was played yet) and the first observation.
template <typename Ex>
void reset_world(const Ex& ex, Backend& be, const WorldState& s) {
  const AgentView a = s.a;
  const GroupTable gt = s.gt;
  ex.for_each(a.n, MYRIAD_LAMBDA(int64_t i) {
    const int g = a.group[i];
    const TypeParams& t = gt.type[g];
    const bool part = gt.takes_part(i, g);
    a.hp[i] = part ? t.hp_max : 0.0f;
    a.action[i] = static_cast<uint8_t>(t.stay_action);
    a.alive[i] = part ? 1 : 0;
    a.died[i] = 0;
    a.reward[i] = 0.0f;
    a.prev_reward[i] = 0.0f;
  });
  be.zero(s.g.claim, static_cast<size_t>(s.g.dims.n_cells()) * sizeof(unsigned long long));
  build_occupancy(ex, s);
  be.zero(s.mean, static_cast<size_t>(a.n) * static_cast<size_t>(s.ma.k_stride) * sizeof(float));
  observe(ex, be, s, false);
}

// One step with the actions in the action buffer (rules.md §3): attacks → recovery → moves → rewards
// → stats → mean action → observations. The stats land in s.stats (backend memory). The occupancy
// grid is kept by the rules themselves; the tile index is sorted only when a scripted policy needs it.
template <typename Ex>
void step_world(const Ex& ex, Backend& be, const WorldState& s, PhaseClock* clock) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  const uint64_t seed = s.seed;
  const int64_t t = s.t, n = a.n;
  {
    PhaseGuard guard(clock, Phase::kAttack);
    be.zero(a.died, static_cast<size_t>(n));
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { resolve_hits(i, a, g, gt, seed, t); });
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { classify_hit(i, a, g, gt, seed, t); });
  }
  {
    PhaseGuard guard(clock, Phase::kRecovery);
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { recover_and_clear(i, a, g, gt); });
  }
  {
    PhaseGuard guard(clock, Phase::kMove);
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { begin_move(i, a, gt); });
    unsigned long long* moved = s.moved;
    // The rounds visit the agents with a move pending: on the host a list that shrinks as they resolve
    // (it lives there); the device visits every agent, the others' calls being no-ops.
    int32_t* list = s.move_list;
    int64_t m = n;
    if constexpr (Ex::kHost) {
      m = 0;
      for (int64_t i = 0; i < n; ++i)
        if (a.move_state[i] == kMovePending) list[m++] = static_cast<int32_t>(i);
    }
    const bool listed = Ex::kHost;
    for (int round = 0; round < kMaxMoveRounds && m > 0; ++round) {
      ex.for_each(m, MYRIAD_LAMBDA(int64_t k) {
        claim_move(listed ? list[k] : k, a, g, gt, seed, t, AtomicMaxU64{});
      });
      ex.template sum_u64<1>(
          m,
          MYRIAD_LAMBDA(int64_t k, unsigned long long* acc) {
            acc[0] += apply_move(listed ? list[k] : k, a, g, gt, seed, t) ? 1 : 0;
          },
          moved);
      if (gt.multi_cell) ex.for_each(m, MYRIAD_LAMBDA(int64_t k) { release_claims(listed ? list[k] : k, a, g, gt); });
      // The host reads the count where it lives: a round that changes nothing is a fixed point. The
      // device plays every round without a read-back; once nothing changes, each is a no-op.
      if constexpr (Ex::kHost) {
        if (*moved == 0) break;
        int64_t still = 0;
        for (int64_t k = 0; k < m; ++k)
          if (a.move_state[list[k]] == kMovePending) list[still++] = list[k];
        m = still;
      }
    }
  }
  {
    PhaseGuard guard(clock, Phase::kReward);
    ex.for_each(n, MYRIAD_LAMBDA(int64_t i) { compute_reward(i, a, gt); });
  }
  {
    PhaseGuard guard(clock, Phase::kStats);
    ex.template sum_u64<kStatSlots>(
        n,
        MYRIAD_LAMBDA(int64_t i, unsigned long long* acc) {
          const int gi = a.group[i];
          acc[kStatAlive * kMaxGroups + gi] += a.alive[i];
          acc[kStatDeaths * kMaxGroups + gi] += a.died[i];
          acc[kStatKills * kMaxGroups + gi] += a.hit[i] == kKillingBlow ? 1u : 0u;
          acc[kStatHits * kMaxGroups + gi] += a.hit[i] == kNonLethalHit ? 1u : 0u;
          acc[kStatReward * kMaxGroups + gi] += static_cast<unsigned long long>(reward_fixed(a.reward[i]));
        },
        s.stats);
  }
  {
    PhaseGuard guard(clock, Phase::kMeanAction);
    compute_mean_action(ex, be, s);
  }
  {
    PhaseGuard guard(clock, Phase::kObserve);
    observe(ex, be, s, true);
  }
}

template <typename Ex>
void act_world(const Ex& ex, const WorldState& s, const PolicyTable& pt) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  const TileView tv = s.tiles;
  const uint64_t seed = s.seed;
  const int64_t t = s.t;
  ex.for_each(a.n, MYRIAD_LAMBDA(int64_t i) { policy_action(i, pt.spec[a.group[i]], a, g, gt, tv, seed, t); });
}

template <typename Ex>
void render_world(const Ex& ex, const WorldState& s, const RenderParams& rp, uint8_t* rgb) {
  const AgentView a = s.a;
  const GridView g = s.g;
  const GroupTable gt = s.gt;
  ex.for_each(rp.n_pixels(), MYRIAD_LAMBDA(int64_t p) { render_pixel(p, g, a, gt, rp, rgb); });
}

// The world's phases on one backend: its executor over the functions above.
template <typename Ex>
class WorldProgramFor final : public WorldProgram {
 public:
  WorldProgramFor(Backend& be, Ex ex) : be_(be), ex_(ex) {}
  void reset(const WorldState& s) const override { reset_world(ex_, be_, s); }
  void step(const WorldState& s, PhaseClock* clock) const override { step_world(ex_, be_, s, clock); }
  void act(const WorldState& s, const PolicyTable& p) const override { act_world(ex_, s, p); }
  void sort_tiles(const WorldState& s) const override { sort_by_tile(ex_, be_, s); }
  void render(const WorldState& s, const RenderParams& rp, uint8_t* rgb) const override {
    render_world(ex_, s, rp, rgb);
  }

 private:
  Backend& be_;
  Ex ex_;
};

}  // namespace myriad
