// invariants_test.cpp: long random battles on the CPU backend, checked after every step against
// what the rules allow: one body per cell, monotone deaths, legal displacements, hp and rewards.
#include <gtest/gtest.h>

#include <vector>

#include "myriad/placement.hpp"
#include "test_worlds.hpp"

using namespace myriad;
using namespace myriad::test;

namespace {

struct Totals { int64_t kills = 0, hits = 0, moved = 0; };

// hp after k hits of 2 and one recovery of 0.1 (rules.md §1), for some k in 0..8.
bool legal_hp_change(float before, float after) {
  for (int k = 0; k <= 8; ++k)
    if (hit_then_recover(before, k, AgentType{}, 2.0f) == after) return true;
  return false;
}

void check_step(const World& w, const std::vector<uint8_t>& wall, const HostState& a, const HostState& b,
                const StepStats& s, Totals& tot) {
  const WorldConfig& c = w.config();
  const AgentType t{};
  const TypeParams& tp = w.groups().type[0];
  const auto W = static_cast<size_t>(c.width);
  int64_t alive[2] = {0, 0}, died = 0;
  for (size_t i = 0; i < b.x.size(); ++i) {
    const bool was = a.alive[i], is = b.alive[i];
    ASSERT_TRUE(was || !is) << "agent " << i << " came back to life";
    ASSERT_EQ(b.died[i], was && !is) << i;
    const bool attacked = tp.is_attack(b.action[i]);
    if (!was) {  // dead before the step: frozen, no reward
      ASSERT_EQ(pos_of(b, i), pos_of(a, i)) << i;
      ASSERT_EQ(b.reward[i], 0.0f) << i;
      continue;
    }
    const int dx = b.x[i] - a.x[i], dy = b.y[i] - a.y[i];
    const int act = b.action[i];
    const bool legal_move = (dx == 0 && dy == 0) || (is && tp.is_move(act) && dx == tp.dx[act] && dy == tp.dy[act]);
    ASSERT_TRUE(legal_move) << "agent " << i << " moved by (" << dx << "," << dy << ") with action " << act;
    tot.moved += dx != 0 || dy != 0;
    ASSERT_GE(b.x[i], 1);
    ASSERT_GE(b.y[i], 1);
    ASSERT_LE(b.x[i], c.width - 2);
    ASSERT_LE(b.y[i], c.height - 2);
    const float r = b.reward[i];
    if (is) {
      ++alive[b.group[i]];
      ASSERT_GE(b.hp[i], 0.0f) << i;
      ASSERT_LE(b.hp[i], 10.0f) << i;
      ASSERT_TRUE(legal_hp_change(a.hp[i], b.hp[i])) << i << ": " << a.hp[i] << " -> " << b.hp[i];
      ASSERT_EQ(b.occ[static_cast<size_t>(b.y[i]) * W + static_cast<size_t>(b.x[i])], static_cast<int32_t>(i));
      const bool ok = attacked ? (r == reward_alive(t, true) || r == reward_alive(t, true, 0.2f) ||
                                  r == reward_alive(t, true, 5.0f))
                               : r == reward_alive(t, false);
      ASSERT_TRUE(ok) << "agent " << i << " reward " << r << " action " << act;
    } else {
      ++died;
      const bool ok = r == reward_died(t) || (attacked && r == reward_died(t, 0.2f));
      ASSERT_TRUE(ok) << "dying agent " << i << " reward " << r;
    }
  }
  int64_t bodies = 0;
  for (size_t cell = 0; cell < b.occ.size(); ++cell) {
    ASSERT_EQ(b.occ[cell] == kWall, wall[cell] != 0) << "cell " << cell;
    if (b.occ[cell] >= 0) {
      ++bodies;
      ASSERT_TRUE(b.alive[static_cast<size_t>(b.occ[cell])]);
    } else {
      ASSERT_TRUE(b.occ[cell] == kEmpty || b.occ[cell] == kWall);
    }
  }
  ASSERT_EQ(bodies, alive[0] + alive[1]);
  ASSERT_EQ(s.alive[0], alive[0]);
  ASSERT_EQ(s.alive[1], alive[1]);
  ASSERT_EQ(s.kills[0] + s.kills[1], died);  // battle has no starvation: one killing blow per death
  ASSERT_EQ(s.done, alive[0] == 0 || alive[1] == 0);
  double sum = 0;
  for (size_t i = 0; i < b.x.size(); ++i) sum += b.reward[i];
  ASSERT_NEAR(s.reward(0) + s.reward(1), sum, 1e-3);
  tot.kills += s.kills[0] + s.kills[1];
  tot.hits += s.hits[0] + s.hits[1];
}

Totals run(const WorldConfig& c, uint64_t seed, int steps, std::vector<PolicySpec> policies) {
  Totals tot;
  auto w = make_cpu_world(c);
  w->reset(seed);
  const std::vector<uint8_t> wall = build_walls(c);
  HostState a = w->snapshot();
  for (int t = 0; t < steps && !w->done(); ++t) {
    w->act(policies);
    const StepStats& s = w->step();
    const HostState b = w->snapshot();
    check_step(*w, wall, a, b, s, tot);
    if (::testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "seed " << seed << " step " << t;
      return tot;
    }
    a = b;
  }
  return tot;
}

}  // namespace

TEST(Invariants, BlocksRandomPolicy) {
  for (uint64_t seed : {1u, 2u}) {
    const Totals tot = run(battle_config(0, 0), seed, 300, {{PolicyKind::kRandom}, {PolicyKind::kRandom}});
    EXPECT_GT(tot.moved, 0);
  }
}

TEST(Invariants, BlocksScriptedBattle) {
  for (uint64_t seed : {1u, 2u}) {
    const Totals tot = run(battle_config(0, 0), seed, 300, {{PolicyKind::kScripted}, {PolicyKind::kScripted}});
    EXPECT_GT(tot.kills, 0) << "the scripted teams never fought: the run checked nothing";
    EXPECT_GT(tot.hits, 0);
  }
}

TEST(Invariants, RandomPlacementCrowded) {
  WorldConfig c = battle_config(500, 80);
  c.placement = Placement::kRandom;
  c.walls = {{40, 40}, {41, 40}, {40, 41}, {10, 70}};
  for (uint64_t seed : {3u, 4u}) {
    const Totals tot = run(c, seed, 300, {{PolicyKind::kScripted}, {PolicyKind::kRandom}});
    EXPECT_GT(tot.kills, 0);
    EXPECT_GT(tot.moved, 0);
  }
}

TEST(Invariants, MinimapAndBf16DoNotChangeTheState) {
  WorldConfig c = battle_config(81, 45);
  WorldConfig d = c;
  d.minimap = true;
  d.obs_dtype = ObsDtype::kBf16;
  d.mean_mode = MeanActionMode::kTeamWide;
  auto w1 = make_cpu_world(c);
  auto w2 = make_cpu_world(d);
  w1->reset(9);
  w2->reset(9);
  for (int t = 0; t < 100 && !w1->done(); ++t) {
    w1->act({{PolicyKind::kScripted}, {PolicyKind::kRandom}});
    w2->act({{PolicyKind::kScripted}, {PolicyKind::kRandom}});
    w1->step();
    w2->step();
    ASSERT_EQ(w1->snapshot().hash(), w2->snapshot().hash()) << "step " << t;
  }
}
