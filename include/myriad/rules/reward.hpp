// rules/reward.hpp: the step's reward per agent (rules.md §3.5, games.md §1.4), float32 in MAgent's order,
// additions only (no a*b+c that a compiler could fuse differently on the two backends).
#pragma once
#include "myriad/views.hpp"

namespace myriad {

// Per agent, after moves. An agent that died this step gets its dead_penalty instead of everything it
// earned at once (step reward, attack penalty, a kill's kill_reward); the reward rules (for its own
// hit, and for the hits it took) are paid in any case, as MAgent evaluates them after the deaths.
MYRIAD_HD void compute_reward(int64_t i, const AgentView& a, const GroupTable& gt) {
  a.prev_reward[i] = a.reward[i];
  const TypeParams& t = gt.type[a.group[i]];
  float r = 0.0f;
  if (a.died[i]) {
    r = t.dead_penalty;
  } else if (a.alive[i]) {
    r = t.step_reward;
    if (t.is_attack(a.action[i])) r = r + t.attack_penalty;
    if (a.hit[i] == kKillingBlow && a.hit_bonus[i] != 0.0f) r = r + a.hit_bonus[i];
  } else {
    a.reward[i] = 0.0f;  // dead before this step
    return;
  }
  if (a.hit[i] != kNoHit && a.rule_bonus[i] != 0.0f) r = r + a.rule_bonus[i];
  if (a.taken[i] != 0.0f) r = r + a.taken[i];
  a.reward[i] = r;
}

// Fixed-point reward for order-free sums (stats): exact integer addition on both backends.
MYRIAD_HD long long reward_fixed(float r) {
  const double s = static_cast<double>(r) * 1048576.0;  // 2^20
  return static_cast<long long>(s < 0 ? s - 0.5 : s + 0.5);
}

}  // namespace myriad
