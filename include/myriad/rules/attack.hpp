// rules/attack.hpp: simultaneous attacks against start-of-step positions (rules.md §3.2).
// resolve_hits runs per victim (gathers its attackers, applies them in priority order, one killing
// blow); classify_hit runs per attacker (non-lethal, killing blow, or nothing). No atomics.
#pragma once
#include "myriad/rules/priority.hpp"
#include "myriad/views.hpp"

namespace myriad {

constexpr int kMaxAttackersPerVictim = 64;

// Is u a valid target for an attacker of group ga? (enemy, or teammate where the type allows it)
MYRIAD_HD bool attackable(const GroupTable& gt, int ga, int gu) {
  return ga != gu || gt.type[ga].can_attack_teammates;
}

// Per victim v: called for every agent; acts only on agents alive at the start of the step.
// Reads occ (start of step), action, group, hp; writes hp[v], alive[v], died[v], killer[v].
MYRIAD_HD void resolve_hits(int64_t v, const AgentView& a, const GridView& g, const GroupTable& gt,
                            uint64_t seed, int64_t step) {
  a.killer[v] = -1;
  if (!a.alive[v]) return;
  const int gv = a.group[v];
  int32_t ids[kMaxAttackersPerVictim];
  unsigned long long keys[kMaxAttackersPerVictim];
  int n = 0;
  const int vx = a.x[v], vy = a.y[v];
  for (int ga = 0; ga < gt.n_groups; ++ga) {
    if (!attackable(gt, ga, gv)) continue;
    const TypeParams& t = gt.type[ga];
    for (int k = 0; k < t.n_attacks; ++k) {
      const int act = t.n_moves + k;
      const int ax = vx - t.dx[act], ay = vy - t.dy[act];
      if (!g.dims.inside(ax, ay)) continue;
      const int32_t u = g.occ[g.dims.cell(ax, ay)];
      if (u < 0 || u == v || a.group[u] != ga || a.action[u] != act) continue;
      if (n == kMaxAttackersPerVictim) break;
      const unsigned long long key = priority_key(seed, step, u, Stream::kAttackPriority);
      int j = n++;  // insertion sort, descending key
      while (j > 0 && keys[j - 1] < key) { keys[j] = keys[j - 1]; ids[j] = ids[j - 1]; --j; }
      keys[j] = key;
      ids[j] = u;
    }
  }
  float hp = a.hp[v];
  for (int j = 0; j < n; ++j) {
    hp = hp - gt.type[a.group[ids[j]]].damage;
    if (hp < 0.0f) {  // strictly below zero: the killing blow
      a.killer[v] = ids[j];
      a.alive[v] = 0;
      a.died[v] = 1;
      break;
    }
  }
  a.hp[v] = hp;
}

// Per attacker i, after resolve_hits and before the dead leave the grid.
// Writes hit[i] and hit_bonus[i].
MYRIAD_HD void classify_hit(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                            uint64_t seed, int64_t step) {
  a.hit[i] = kNoHit;
  a.hit_bonus[i] = 0.0f;
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  const int act = a.action[i];
  // Alive at the start of the step: still alive, or died in this step's attacks.
  if (!(a.alive[i] || a.died[i]) || !t.is_attack(act)) return;
  const int tx = a.x[i] + t.dx[act], ty = a.y[i] + t.dy[act];
  if (!g.dims.inside(tx, ty)) return;
  const int32_t u = g.occ[g.dims.cell(tx, ty)];
  if (u < 0 || u == i || !attackable(gt, gi, a.group[u])) return;
  const int32_t k = a.killer[u];
  bool lands = true;
  if (k == i) {
    a.hit[i] = kKillingBlow;
    a.hit_bonus[i] = gt.type[a.group[u]].kill_reward;
    return;
  }
  if (k >= 0) {  // someone else killed u: we hit only if ordered before the killing blow
    lands = priority_key(seed, step, i, Stream::kAttackPriority) >
            priority_key(seed, step, k, Stream::kAttackPriority);
  }
  if (lands) {
    a.hit[i] = kNonLethalHit;
    a.hit_bonus[i] = t.attack_opponent_reward;
  }
}

// Per agent, after classify_hit: recovery (rules.md §3.3), starvation, and the dead leave the grid.
MYRIAD_HD void recover_and_clear(int64_t i, const AgentView& a, const GridView& g,
                                 const GroupTable& gt) {
  if (a.alive[i]) {
    const TypeParams& t = gt.type[a.group[i]];
    float hp = a.hp[i] + t.step_recover;
    hp = hp < t.hp_max ? hp : t.hp_max;
    a.hp[i] = hp;
    if (hp < 0.0f) {
      a.alive[i] = 0;
      a.died[i] = 1;
    }
  }
  if (a.died[i]) {
    const int64_t c = g.dims.cell(a.x[i], a.y[i]);
    if (g.occ[c] == i) g.occ[c] = kEmpty;
  }
}

}  // namespace myriad
