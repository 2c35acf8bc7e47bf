// rules/attack.hpp: simultaneous attacks against start-of-step positions (rules.md §3.2, games.md §1.4).
// resolve_hits runs per victim (gathers the attackers aiming at any cell of its body, applies them in
// priority order, one killing blow), classify_hit per attacker (non-lethal, killing blow, or nothing),
// recover_and_clear per agent (recovery or starvation; the dead leave the grid). No atomics.
#pragma once
#include "myriad/rules/fp.hpp"
#include "myriad/rules/priority.hpp"
#include "myriad/views.hpp"

namespace myriad {

// The most attackers one victim can have: validate() refuses games whose attack tables could exceed it
// (the sum over the groups that land on a group of their attack offsets, times the victim's cells).
constexpr int kMaxAttackersPerVictim = 64;

// The cell attack action `act` of an agent with anchor (x, y) aims at: anchor + (⌊w/2⌋, ⌊h/2⌋) + offset.
MYRIAD_HD void attack_target(const TypeParams& t, int x, int y, int act, int& tx, int& ty) {
  tx = x + t.body_w / 2 + t.dx[act];
  ty = y + t.body_h / 2 + t.dy[act];
}

// Per victim v: called for every agent; acts only on agents alive at the start of the step.
// Reads occ (start of step), x, y, action, group, hp; writes hp, alive, died, killer, taken, pair_hits of v.
MYRIAD_HD void resolve_hits(int64_t v, const AgentView& a, const GridView& g, const GroupTable& gt,
                            uint64_t seed, int64_t step) {
  a.killer[v] = -1;
  a.taken[v] = 0.0f;
  a.pair_hits[v] = 0;
  if (!a.alive[v]) return;
  const int gv = a.group[v];
  const TypeParams& tv = gt.type[gv];
  int32_t ids[kMaxAttackersPerVictim];
  unsigned long long keys[kMaxAttackersPerVictim];
  int n = 0;
  for (int by = 0; by < tv.body_h; ++by)
    for (int bx = 0; bx < tv.body_w; ++bx) {
      const int cx = a.x[v] + bx, cy = a.y[v] + by;
      for (int ga = 0; ga < gt.n_groups; ++ga) {
        if (!gt.rules.lands[ga][gv]) continue;
        const TypeParams& t = gt.type[ga];
        for (int k = 0; k < t.n_attacks; ++k) {
          const int act = t.n_moves + k;
          const int ax = cx - t.dx[act] - t.body_w / 2, ay = cy - t.dy[act] - t.body_h / 2;  // its anchor
          if (!g.dims.inside(ax, ay)) continue;
          const int32_t u = g.occ[g.dims.cell(ax, ay)];
          if (u < 0 || u == v || a.group[u] != ga || a.action[u] != act) continue;
          if ((t.body_w > 1 || t.body_h > 1) && (a.x[u] != ax || a.y[u] != ay)) continue;  // not its anchor
          if (n == kMaxAttackersPerVictim) continue;
          const unsigned long long key = priority_key(seed, step, u, Stream::kAttackPriority);
          int j = n++;  // insertion sort, descending key
          while (j > 0 && keys[j - 1] < key) { keys[j] = keys[j - 1]; ids[j] = ids[j - 1]; --j; }
          keys[j] = key;
          ids[j] = u;
        }
      }
    }
  float hp = a.hp[v];
  float taken = 0.0f;
  int pairs = 0;
  for (int j = 0; j < n; ++j) {
    const int ga = a.group[ids[j]];
    hp = hp - gt.type[ga].damage;
    if (hp < 0.0f) {  // strictly below zero: the killing blow; later hits find nobody
      a.killer[v] = ids[j];
      a.alive[v] = 0;
      a.died[v] = 1;
      break;
    }
    const float r = gt.rules.hit_taken[ga][gv];
    if (r != 0.0f) taken = taken + r;
    if (gt.rules.pair[ga][gv] != 0.0f) ++pairs;
  }
  a.hp[v] = hp;
  a.taken[v] = taken;
  a.pair_hits[v] = static_cast<uint8_t>(pairs);
}

// Per attacker i, after resolve_hits and before the dead leave the grid: the kind of its hit, its
// immediate reward (the victim's kill_reward for a killing blow, kept only if it survives the step) in
// hit_bonus, its rule rewards (kept in any case) in rule_bonus, and a killer's kill_supply.
MYRIAD_HD void classify_hit(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                            uint64_t seed, int64_t step) {
  a.hit[i] = kNoHit;
  a.hit_bonus[i] = 0.0f;
  a.rule_bonus[i] = 0.0f;
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  const int act = a.action[i];
  // Alive at the start of the step: still alive, or died in this step's attacks.
  if (!(a.alive[i] || a.died[i]) || !t.is_attack(act)) return;
  int tx, ty;
  attack_target(t, a.x[i], a.y[i], act, tx, ty);
  if (!g.dims.inside(tx, ty)) return;
  const int32_t u = g.occ[g.dims.cell(tx, ty)];
  if (u < 0 || u == i) return;
  const int gu = a.group[u];
  if (!gt.rules.lands[gi][gu]) return;
  const int32_t k = a.killer[u];
  if (k == i) {
    a.hit[i] = kKillingBlow;
    a.hit_bonus[i] = gt.type[gu].kill_reward;
    a.rule_bonus[i] = gt.rules.kill[gi][gu];
    const float supply = gt.type[gu].kill_supply;
    if (supply != 0.0f && a.alive[i]) {
      const float hp = a.hp[i] + supply;
      a.hp[i] = hp < t.hp_max ? hp : t.hp_max;
    }
    return;
  }
  // Someone else killed u: we hit only if ordered before the killing blow.
  if (k >= 0 && priority_key(seed, step, i, Stream::kAttackPriority) < priority_key(seed, step, k, Stream::kAttackPriority))
    return;
  a.hit[i] = kNonLethalHit;
  float r = gt.rules.hit[gi][gu];
  const float pair = gt.rules.pair[gi][gu];
  if (pair != 0.0f && a.pair_hits[u] > 1) r = add_rn(r, mul_rn(pair, static_cast<float>(a.pair_hits[u] - 1)));
  a.rule_bonus[i] = r;
}

// Per agent, after classify_hit: recovery, or starvation for a negative step_recover (rules.md §3.3);
// the dead leave every cell of their body.
MYRIAD_HD void recover_and_clear(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt) {
  const TypeParams& t = gt.type[a.group[i]];
  if (a.alive[i]) {
    float hp = a.hp[i] + t.step_recover;
    hp = hp < t.hp_max ? hp : t.hp_max;
    a.hp[i] = hp;
    if (hp < 0.0f) {
      a.alive[i] = 0;
      a.died[i] = 1;
    }
  }
  if (a.died[i]) {
    for (int by = 0; by < t.body_h; ++by)
      for (int bx = 0; bx < t.body_w; ++bx) {
        const int64_t c = g.dims.cell(a.x[i] + bx, a.y[i] + by);
        if (g.occ[c] == i) g.occ[c] = kEmpty;
      }
  }
}

}  // namespace myriad
