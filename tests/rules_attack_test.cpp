// rules_attack_test.cpp: attacks, recovery and rewards of battle on the CPU backend (rules.md §3.2,
// §3.3, §3.5): hp sequences in float32, the strict death threshold, hit ordering and attribution.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "myriad/rules/priority.hpp"
#include "test_worlds.hpp"

using namespace myriad;
using namespace myriad::test;

namespace {
const AgentType kSoldier{};  // battle's type
}

TEST(Attack, SixHitsKillFromFullHp) {
  auto w = world_at(battle(1, 1), {{5, 5}}, {{6, 5}});
  float hp = 10.0f;
  for (int k = 1; k <= 5; ++k) {
    const StepStats& s = step_with(*w, {{0, kAtkE}});
    hp = hit_then_recover(hp, 1, kSoldier, 2.0f);
    const HostState st = w->snapshot();
    ASSERT_TRUE(st.alive[1]) << "after hit " << k;
    EXPECT_EQ(st.hp[1], hp) << "after hit " << k;
    EXPECT_EQ(st.hp[0], 10.0f);
    EXPECT_FLOAT_EQ(st.reward[0], reward_alive(kSoldier, true, 0.2f));
    EXPECT_NEAR(st.reward[0], 0.095f, 1e-6f);
    EXPECT_FLOAT_EQ(st.reward[1], -0.005f);
    EXPECT_EQ(s.hits[0], 1);
    EXPECT_EQ(s.kills[0], 0);
    EXPECT_FALSE(s.done);
  }
  EXPECT_NEAR(hp, 0.5f, 1e-5f);  // 8.1, 6.2, 4.3, 2.4, 0.5
  const StepStats& s = step_with(*w, {{0, kAtkE}});
  const HostState st = w->snapshot();
  EXPECT_FALSE(st.alive[1]);
  EXPECT_TRUE(st.died[1]);
  EXPECT_EQ(st.occ[6 + 5 * 20], kEmpty);
  EXPECT_FLOAT_EQ(st.reward[0], reward_alive(kSoldier, true, 5.0f));
  EXPECT_NEAR(st.reward[0], 4.895f, 1e-6f);
  EXPECT_FLOAT_EQ(st.reward[1], -0.1f);
  EXPECT_EQ(s.kills[0], 1);
  EXPECT_EQ(s.hits[0], 0);
  EXPECT_EQ(s.alive[0], 1);
  EXPECT_EQ(s.alive[1], 0);
  EXPECT_TRUE(s.done);
  EXPECT_TRUE(w->done());
  EXPECT_THROW(w->step(), std::logic_error);
}

TEST(Attack, HpExactlyZeroSurvives) {
  WorldConfig c = battle(2, 1);
  c.groups[1].type.hp_max = 4.0f;
  c.groups[1].type.step_recover = 0.0f;
  auto w = world_at(c, {{5, 5}, {7, 5}}, {{6, 5}});
  StepStats s = step_with(*w, {{0, kAtkE}, {1, kAtkW}});  // 4 - 2 - 2 = 0: not below zero
  HostState st = w->snapshot();
  EXPECT_TRUE(st.alive[2]);
  EXPECT_EQ(st.hp[2], 0.0f);
  EXPECT_EQ(s.hits[0], 2);
  EXPECT_EQ(s.kills[0], 0);
  EXPECT_FLOAT_EQ(st.reward[0], reward_alive(kSoldier, true, 0.2f));
  EXPECT_FLOAT_EQ(st.reward[1], reward_alive(kSoldier, true, 0.2f));
  const std::vector<float> obs = w->observation(2);
  EXPECT_EQ(view_at(*w, obs, 0, 0, 1), 1.0f);  // still present at the centre of its own view
  EXPECT_EQ(view_at(*w, obs, 0, 0, 2), 0.0f);  // with hp/hp_max = 0
  s = step_with(*w, {{0, kAtkE}});
  EXPECT_FALSE(w->snapshot().alive[2]);
  EXPECT_EQ(s.kills[0], 1);
}

TEST(Attack, AttacksOnNothingPayOnlyThePenalty) {
  WorldConfig c = battle(4, 1);
  c.walls = {{12, 12}};
  // red0 -> border wall, red1 -> empty cell, red2 -> teammate red3, blue0 -> interior wall.
  auto w = world_at(c, {{1, 5}, {5, 5}, {8, 5}, {9, 5}}, {{11, 12}});
  const StepStats& s = step_with(*w, {{0, kAtkW}, {1, kAtkE}, {2, kAtkE}, {4, kAtkE}});
  const HostState st = w->snapshot();
  const float miss = reward_alive(kSoldier, true);
  EXPECT_NEAR(miss, -0.105f, 1e-6f);
  for (int i : {0, 1, 2, 4}) EXPECT_FLOAT_EQ(st.reward[static_cast<size_t>(i)], miss) << i;
  EXPECT_FLOAT_EQ(st.reward[3], -0.005f);
  EXPECT_EQ(st.hp[3], 10.0f);  // no friendly fire in battle
  EXPECT_EQ(s.hits[0] + s.hits[1] + s.kills[0] + s.kills[1], 0);
}

TEST(Attack, OffMapAttackHitsNothing) {
  WorldConfig c = battle(1, 1);
  c.groups[0].type.attack_radius = 2.0f;  // reaches past the border wall
  auto w = world_at(c, {{1, 5}}, {{10, 10}});
  const int off_map = action_of(*w, 0, -2, 0, true);
  ASSERT_GE(off_map, 13);
  step_with(*w, {{0, off_map}});
  EXPECT_FLOAT_EQ(w->snapshot().reward[0], reward_alive(kSoldier, true));
}

TEST(Attack, HitsUseStartOfStepPositions) {
  // blue0 leaves the attacked cell (still hit); blue1 moves into an attacked cell (not hit).
  auto w = world_at(battle(2, 2), {{5, 5}, {5, 10}}, {{6, 5}, {7, 10}});
  step_with(*w, {{0, kAtkE}, {2, kE2}, {1, kAtkE}, {3, kW}});
  const HostState st = w->snapshot();
  EXPECT_EQ(pos_of(st, 2), (Pos{8, 5}));
  EXPECT_EQ(st.hp[2], hit_then_recover(10.0f, 1, kSoldier, 2.0f));
  EXPECT_EQ(pos_of(st, 3), (Pos{6, 10}));
  EXPECT_EQ(st.hp[3], 10.0f);
  EXPECT_FLOAT_EQ(st.reward[0], reward_alive(kSoldier, true, 0.2f));
  EXPECT_FLOAT_EQ(st.reward[1], reward_alive(kSoldier, true));
}

// Victim with hp 3 (no recovery), attackers of damage 2 on three sides: the first in priority
// order deals a non-lethal hit (3 -> 1), the second the killing blow, the third hits nothing.
TEST(Attack, OneKillingBlowInPriorityOrder) {
  WorldConfig c = battle(3, 1);
  c.groups[1].type.hp_max = 3.0f;
  c.groups[1].type.step_recover = 0.0f;
  int first_wins[3] = {0, 0, 0};
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto w = world_at(c, {{5, 5}, {7, 5}, {6, 4}}, {{6, 5}}, seed);
    const StepStats& s = step_with(*w, {{0, kAtkE}, {1, kAtkW}, {2, kAtkS}});
    const HostState st = w->snapshot();
    int order[3] = {0, 1, 2};  // descending priority: larger key hits first
    std::sort(order, order + 3, [&](int a, int b) {
      return priority_key(seed, 0, a, Stream::kAttackPriority) > priority_key(seed, 0, b, Stream::kAttackPriority);
    });
    ++first_wins[order[0]];
    EXPECT_FALSE(st.alive[3]);
    EXPECT_EQ(s.kills[0], 1);
    EXPECT_EQ(s.hits[0], 1);
    EXPECT_FLOAT_EQ(st.reward[static_cast<size_t>(order[0])], reward_alive(kSoldier, true, 0.2f)) << seed;
    EXPECT_FLOAT_EQ(st.reward[static_cast<size_t>(order[1])], reward_alive(kSoldier, true, 5.0f)) << seed;
    EXPECT_FLOAT_EQ(st.reward[static_cast<size_t>(order[2])], reward_alive(kSoldier, true)) << seed;
    EXPECT_NEAR(st.reward[0] + st.reward[1] + st.reward[2], 0.095f + 4.895f - 0.105f, 1e-5f);
  }
  for (int k = 0; k < 3; ++k) EXPECT_GT(first_wins[k], 0) << "attacker " << k << " never first";
}

TEST(Attack, TwoAttackersOnOneHpVictim) {
  WorldConfig c = battle(2, 1);
  c.groups[1].type.hp_max = 1.0f;
  int kills_by[2] = {0, 0};
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto w = world_at(c, {{5, 5}, {7, 5}}, {{6, 5}}, seed);
    const StepStats& s = step_with(*w, {{0, kAtkE}, {1, kAtkW}});
    const HostState st = w->snapshot();
    EXPECT_EQ(s.kills[0], 1);
    EXPECT_EQ(s.hits[0], 0);  // the hit ordered after the kill lands on nobody
    EXPECT_FLOAT_EQ(st.reward[0] + st.reward[1], reward_alive(kSoldier, true, 5.0f) + reward_alive(kSoldier, true));
    const int killer = st.reward[0] > st.reward[1] ? 0 : 1;
    const int expect = priority_key(seed, 0, 0, Stream::kAttackPriority) > priority_key(seed, 0, 1, Stream::kAttackPriority) ? 0 : 1;
    EXPECT_EQ(killer, expect) << seed;
    ++kills_by[killer];
  }
  EXPECT_GT(kills_by[0], 0);
  EXPECT_GT(kills_by[1], 0);
}

TEST(Attack, KilledAgentStillDeliversItsAttack) {
  WorldConfig c = battle(1, 1);
  c.groups[0].type.hp_max = 1.0f;
  c.groups[1].type.hp_max = 1.0f;
  auto w = world_at(c, {{5, 5}}, {{6, 5}});
  const StepStats& s = step_with(*w, {{0, kAtkE}, {1, kAtkW}});
  const HostState st = w->snapshot();
  EXPECT_FALSE(st.alive[0]);
  EXPECT_FALSE(st.alive[1]);
  EXPECT_FLOAT_EQ(st.reward[0], -0.1f);  // a dead killer gets dead_penalty only
  EXPECT_FLOAT_EQ(st.reward[1], -0.1f);
  EXPECT_EQ(s.kills[0], 1);
  EXPECT_EQ(s.kills[1], 1);
  EXPECT_TRUE(s.done);
}

TEST(Attack, DyingAgentKeepsItsNonLethalBonus) {
  WorldConfig c = battle(2, 1);
  c.groups[1].type.hp_max = 1.0f;
  auto w = world_at(c, {{5, 5}, {7, 5}}, {{6, 5}});
  step_with(*w, {{2, kAtkW}, {1, kAtkW}});  // blue0 hits red0 while red1 kills blue0
  const HostState st = w->snapshot();
  EXPECT_FALSE(st.alive[2]);
  EXPECT_FLOAT_EQ(st.reward[2], reward_died(kSoldier, 0.2f));
  EXPECT_NEAR(st.reward[2], 0.1f, 1e-6f);
  EXPECT_EQ(st.hp[0], hit_then_recover(10.0f, 1, kSoldier, 2.0f));
  EXPECT_FLOAT_EQ(st.reward[0], -0.005f);
  EXPECT_FLOAT_EQ(st.reward[1], reward_alive(kSoldier, true, 5.0f));
}

TEST(Attack, RecoveryIsCappedAtHpMax) {
  auto w = world_at(battle(1, 1), {{5, 5}}, {{6, 5}});
  step_with(*w, {{0, kAtkE}});
  float hp = hit_then_recover(10.0f, 1, kSoldier, 2.0f);  // 8.1
  for (int k = 0; k < 13; ++k) {
    step_with(*w, {});
    hp = hit_then_recover(hp, 0, kSoldier, 2.0f);
    EXPECT_EQ(w->snapshot().hp[1], hp) << k;
  }
  EXPECT_NEAR(w->snapshot().hp[1] / 10.0f, 0.940001f, 1e-6f);  // conformance README's value
  for (int k = 0; k < 10; ++k) step_with(*w, {});
  EXPECT_EQ(w->snapshot().hp[1], 10.0f);
}

TEST(Attack, NegativeRecoveryStarves) {
  WorldConfig c = battle(1, 1);
  c.groups[1].type.hp_max = 1.0f;
  c.groups[1].type.step_recover = -0.6f;
  auto w = world_at(c, {{5, 5}}, {{10, 10}});
  step_with(*w, {});
  EXPECT_TRUE(w->snapshot().alive[1]);
  EXPECT_EQ(w->snapshot().hp[1], 1.0f + -0.6f);
  const StepStats& s = step_with(*w, {});
  const HostState st = w->snapshot();
  EXPECT_FALSE(st.alive[1]);
  EXPECT_TRUE(st.died[1]);
  EXPECT_EQ(st.occ[10 + 10 * 20], kEmpty);
  EXPECT_FLOAT_EQ(st.reward[1], -0.1f);
  EXPECT_TRUE(s.done);
}

TEST(Attack, TruncationAtMaxSteps) {
  WorldConfig c = battle(1, 1);
  c.max_steps = 3;
  auto w = world_at(c, {{5, 5}}, {{10, 10}});
  for (int k = 1; k <= 3; ++k) {
    const StepStats& s = step_with(*w, {});
    EXPECT_EQ(s.step, k);
    EXPECT_EQ(s.truncated, k == 3);
    EXPECT_FALSE(s.done);
  }
  EXPECT_THROW(w->step(), std::logic_error);
}
