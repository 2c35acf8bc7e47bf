// rules/policy.hpp: policies that drive the world without learning: random (uniform over [lo, hi]),
// noop (stay), and scripted: attack an adjacent enemy (an agent of another side that the attack would
// hit), else move toward the nearest enemy in view (found through the coarse tile index), else a random
// move; a type without attacks (prey, deer) moves away from the nearest enemy instead.
#pragma once
#include "myriad/rng.hpp"
#include "myriad/rules/attack.hpp"
#include "myriad/views.hpp"

namespace myriad {

enum class PolicyKind : int { kRandom = 0, kNoop = 1, kScripted = 2 };

struct PolicySpec {
  PolicyKind kind = PolicyKind::kRandom;
  int lo = 0, hi = -1;  // random range; hi < 0 means "every action"
};

struct PolicyTable {
  PolicySpec spec[kMaxGroups];
};

MYRIAD_HD bool is_enemy(const GroupTable& gt, int g, int other) { return gt.side[g] != gt.side[other]; }

MYRIAD_HD int nearest_enemy_in_view(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                                    const TileView& tv) {
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  const int h = t.view_center, x = a.x[i], y = a.y[i];
  const float r2 = t.view_radius * t.view_radius;
  const int tx0 = (x - h < 0 ? 0 : x - h) / tv.tile, tx1 = (x + h >= g.dims.width ? g.dims.width - 1 : x + h) / tv.tile;
  const int ty0 = (y - h < 0 ? 0 : y - h) / tv.tile, ty1 = (y + h >= g.dims.height ? g.dims.height - 1 : y + h) / tv.tile;
  int best = -1, best_d2 = 0;
  for (int ty = ty0; ty <= ty1; ++ty) {
    for (int tx = tx0; tx <= tx1; ++tx) {
      const int tile = ty * tv.tiles_x + tx;
      for (int32_t s = tv.tile_start[tile]; s < tv.tile_start[tile + 1]; ++s) {
        const int32_t u = tv.sorted_ids[s];
        if (!is_enemy(gt, gi, a.group[u]) || !a.alive[u]) continue;
        const int dx = a.x[u] - x, dy = a.y[u] - y;
        const int d2 = dx * dx + dy * dy;
        if (static_cast<float>(d2) > r2) continue;
        if (best < 0 || d2 < best_d2 || (d2 == best_d2 && u < best)) { best = u; best_d2 = d2; }
      }
    }
  }
  return best;
}

// Whether agent i's body fits at anchor (nx, ny): inside the map, every cell empty or its own.
MYRIAD_HD bool body_fits(int64_t i, const TypeParams& t, const GridView& g, int nx, int ny) {
  if (nx < 0 || ny < 0 || nx + t.body_w > g.dims.width || ny + t.body_h > g.dims.height) return false;
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) {
      const int32_t o = g.occ[g.dims.cell(nx + bx, ny + by)];
      if (o != kEmpty && o != i) return false;
    }
  return true;
}

MYRIAD_HD int scripted_action(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                              const TileView& tv, uint64_t seed, int64_t step) {
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  const int x = a.x[i], y = a.y[i];
  for (int k = 0; k < t.n_attacks; ++k) {  // an adjacent enemy: attack the first in action order
    const int act = t.n_moves + k;
    int ux, uy;
    attack_target(t, x, y, act, ux, uy);
    if (!g.dims.inside(ux, uy)) continue;
    const int32_t u = g.occ[g.dims.cell(ux, uy)];
    if (u >= 0 && u != i && is_enemy(gt, gi, a.group[u]) && gt.rules.lands[gi][a.group[u]]) return act;
  }
  const int e = nearest_enemy_in_view(i, a, g, gt, tv);
  if (e < 0) return static_cast<int>(draw_below(seed, static_cast<uint32_t>(i), static_cast<uint32_t>(step),
                                                Stream::kPolicy, static_cast<uint32_t>(t.n_moves)));
  const int ex = a.x[e], ey = a.y[e];
  const bool flee = t.n_attacks == 0;
  int best = t.stay_action;
  int best_d2 = (ex - x) * (ex - x) + (ey - y) * (ey - y);
  for (int act = 0; act < t.n_moves; ++act) {
    const int nx = x + t.dx[act], ny = y + t.dy[act];
    if (act == t.stay_action || !body_fits(i, t, g, nx, ny)) continue;
    const int d2 = (ex - nx) * (ex - nx) + (ey - ny) * (ey - ny);
    if (flee ? d2 > best_d2 : d2 < best_d2) { best = act; best_d2 = d2; }
  }
  return best;
}

// Per agent: writes action[i] for agents alive now (the dead keep a stay action).
MYRIAD_HD void policy_action(int64_t i, const PolicySpec& p, const AgentView& a, const GridView& g,
                             const GroupTable& gt, const TileView& tv, uint64_t seed, int64_t step) {
  const TypeParams& t = gt.type[a.group[i]];
  if (!a.alive[i] || !gt.acts[a.group[i]]) { a.action[i] = static_cast<uint8_t>(t.stay_action); return; }
  int act = t.stay_action;
  if (p.kind == PolicyKind::kRandom) {
    const int lo = p.lo, hi = p.hi < 0 ? t.n_actions() - 1 : p.hi;
    act = lo + static_cast<int>(draw_below(seed, static_cast<uint32_t>(i), static_cast<uint32_t>(step),
                                           Stream::kPolicy, static_cast<uint32_t>(hi - lo + 1)));
  } else if (p.kind == PolicyKind::kScripted) {
    act = scripted_action(i, a, g, gt, tv, seed, step);
  }
  a.action[i] = static_cast<uint8_t>(act);
}

}  // namespace myriad
