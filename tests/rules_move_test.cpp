// rules_move_test.cpp: moves resolved in claim rounds (rules.md §3.4) on the CPU backend: every
// offset, blocked targets, chains, swaps, cycles, contested cells, cells freed by kills, jumps.
#include <gtest/gtest.h>

#include <vector>

#include "myriad/rules/priority.hpp"
#include "test_worlds.hpp"

using namespace myriad;
using namespace myriad::test;

TEST(Move, EveryOffsetOnAnOpenMap) {
  const WorldConfig c = battle(1, 1);
  for (int a = 0; a < 13; ++a) {
    auto w = world_at(c, {{10, 10}}, {{17, 17}});
    const TypeParams& t = w->groups().type[0];
    step_with(*w, {{0, a}});
    EXPECT_EQ(pos_of(w->snapshot(), 0), (Pos{10 + t.dx[a], 10 + t.dy[a]})) << "action " << a;
    EXPECT_EQ(w->snapshot().occ[static_cast<size_t>((10 + t.dy[a]) * 20 + 10 + t.dx[a])], 0);
    if (a != kStay) {
      EXPECT_EQ(w->snapshot().occ[10 * 20 + 10], kEmpty);
    }
  }
}

TEST(Move, OffMapAndWallTargetsFail) {
  WorldConfig c = battle(4, 1);
  c.walls = {{10, 10}};
  // red0 (1,1): (0,-2) is off the map; red1 (2,1): (0,-1) is the border wall;
  // red2 (10,8): (0,2) is the interior wall; red3 (18,5): (2,0) is off the map.
  auto w = world_at(c, {{1, 1}, {2, 1}, {10, 8}, {18, 5}}, {{15, 15}});
  step_with(*w, {{0, kN2}, {1, kN}, {2, kS2}, {3, kE2}});
  const HostState st = w->snapshot();
  EXPECT_EQ(pos_of(st, 0), (Pos{1, 1}));
  EXPECT_EQ(pos_of(st, 1), (Pos{2, 1}));
  EXPECT_EQ(pos_of(st, 2), (Pos{10, 8}));
  EXPECT_EQ(pos_of(st, 3), (Pos{18, 5}));
  EXPECT_FLOAT_EQ(st.reward[0], -0.005f);  // a failed move costs nothing extra
}

TEST(Move, JumpsIgnoreWhatLiesBetween) {
  WorldConfig c = battle(2, 1);
  c.walls = {{10, 10}};
  auto w = world_at(c, {{10, 9}, {5, 5}}, {{6, 5}});
  step_with(*w, {{0, kS2}, {1, kE2}});  // over a wall, over an enemy
  EXPECT_EQ(pos_of(w->snapshot(), 0), (Pos{10, 11}));
  EXPECT_EQ(pos_of(w->snapshot(), 1), (Pos{7, 5}));
}

TEST(Move, IntoAStayingAttackingOrBlockedAgentFails) {
  // red0 -> red1 (stays); red2 -> blue0 (attacks); red3 -> red4 whose move hits the wall.
  auto w = world_at(battle(5, 1), {{5, 5}, {6, 5}, {5, 8}, {2, 12}, {1, 12}}, {{6, 8}});
  step_with(*w, {{0, kE}, {2, kE}, {5, kAtkN}, {3, kW}, {4, kW}});
  const HostState st = w->snapshot();
  EXPECT_EQ(pos_of(st, 0), (Pos{5, 5}));
  EXPECT_EQ(pos_of(st, 2), (Pos{5, 8}));
  EXPECT_EQ(pos_of(st, 3), (Pos{2, 12}));
  EXPECT_EQ(pos_of(st, 4), (Pos{1, 12}));
}

TEST(Move, ChainMovesTogether) {
  auto w = world_at(battle(3, 1), {{5, 5}, {6, 5}, {7, 5}}, {{15, 15}});
  step_with(*w, {{0, kE}, {1, kE}, {2, kE}});
  const HostState st = w->snapshot();
  EXPECT_EQ(pos_of(st, 0), (Pos{6, 5}));
  EXPECT_EQ(pos_of(st, 1), (Pos{7, 5}));
  EXPECT_EQ(pos_of(st, 2), (Pos{8, 5}));
  EXPECT_EQ(st.occ[5 * 20 + 5], kEmpty);
}

TEST(Move, ChainLongerThanTheRoundCapStopsAfterEightMovers) {
  // Ten agents in a row all step east: one link of the chain resolves per round, from the head;
  // with the cap of 8 rounds the eight front agents move and the last two stay.
  std::vector<Pos> red;
  for (int x = 2; x <= 11; ++x) red.push_back({x, 5});
  auto w = world_at(battle(10, 1), red, {{15, 15}});
  std::vector<std::pair<int64_t, int>> acts;
  for (int i = 0; i < 10; ++i) acts.push_back({i, kE});
  step_with(*w, acts);
  const HostState st = w->snapshot();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(st.x[static_cast<size_t>(i)], i < 2 ? 2 + i : 3 + i) << i;
}

TEST(Move, NoSwaps) {
  auto w = world_at(battle(1, 1), {{5, 5}}, {{6, 5}});
  step_with(*w, {{0, kE}, {1, kW}});
  EXPECT_EQ(pos_of(w->snapshot(), 0), (Pos{5, 5}));
  EXPECT_EQ(pos_of(w->snapshot(), 1), (Pos{6, 5}));
  // The same with a jump of two across an empty cell.
  auto v = world_at(battle(1, 1), {{5, 5}}, {{7, 5}});
  step_with(*v, {{0, kE2}, {1, kW2}});
  EXPECT_EQ(pos_of(v->snapshot(), 0), (Pos{5, 5}));
  EXPECT_EQ(pos_of(v->snapshot(), 1), (Pos{7, 5}));
}

TEST(Move, CyclesStay) {
  // Three: (5,5) -> (6,5) -> (6,6) -> (5,5).  Four: a square turning clockwise.
  auto w = world_at(battle(3, 1), {{5, 5}, {6, 5}, {6, 6}}, {{15, 15}});
  step_with(*w, {{0, kE}, {1, kS}, {2, kNW}});
  EXPECT_EQ(pos_of(w->snapshot(), 0), (Pos{5, 5}));
  EXPECT_EQ(pos_of(w->snapshot(), 1), (Pos{6, 5}));
  EXPECT_EQ(pos_of(w->snapshot(), 2), (Pos{6, 6}));
  auto v = world_at(battle(4, 1), {{10, 10}, {11, 10}, {11, 11}, {10, 11}}, {{15, 15}});
  step_with(*v, {{0, kE}, {1, kS}, {2, kW}, {3, kN}});
  const std::vector<Pos> start = {{10, 10}, {11, 10}, {11, 11}, {10, 11}};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pos_of(v->snapshot(), i), start[static_cast<size_t>(i)]);
}

TEST(Move, ContestedCellGoesToTheHighestPriority) {
  int wins[2] = {0, 0};
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    for (int rep = 0; rep < 2; ++rep) {  // the same seed gives the same winner
      auto w = world_at(battle(2, 1), {{5, 5}, {7, 5}}, {{15, 15}}, seed);
      step_with(*w, {{0, kE}, {1, kW}});
      const HostState st = w->snapshot();
      const bool zero_wins = priority_key(seed, 0, 0, Stream::kMovePriority) > priority_key(seed, 0, 1, Stream::kMovePriority);
      EXPECT_EQ(pos_of(st, 0), (zero_wins ? Pos{6, 5} : Pos{5, 5})) << seed;
      EXPECT_EQ(pos_of(st, 1), (zero_wins ? Pos{7, 5} : Pos{6, 5})) << seed;
      EXPECT_EQ(st.occ[5 * 20 + 6], zero_wins ? 0 : 1);
      if (rep == 0) ++wins[zero_wins ? 0 : 1];
    }
  }
  EXPECT_GT(wins[0], 0);
  EXPECT_GT(wins[1], 0);
}

TEST(Move, ContestedCellFollowedByItsLoserQueue) {
  // red2 waits on red0 (pending). red0 loses the contest for (6,5), so red0 fails and red2 too.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto w = world_at(battle(3, 1), {{5, 5}, {7, 5}, {4, 5}}, {{15, 15}}, seed);
    step_with(*w, {{0, kE}, {1, kW}, {2, kE}});
    const bool zero_wins = priority_key(seed, 0, 0, Stream::kMovePriority) > priority_key(seed, 0, 1, Stream::kMovePriority);
    EXPECT_EQ(pos_of(w->snapshot(), 2), (zero_wins ? Pos{5, 5} : Pos{4, 5})) << seed;
  }
}

TEST(Move, IntoACellFreedByAKillThisStep) {
  WorldConfig c = battle(2, 2);
  c.groups[1].type.hp_max = 1.0f;
  // red0 kills blue0 at (6,5); red1 jumps into the freed cell in the same step.
  auto w = world_at(c, {{5, 5}, {8, 5}}, {{6, 5}, {6, 12}});
  step_with(*w, {{0, kAtkE}, {1, kW2}});
  const HostState st = w->snapshot();
  EXPECT_FALSE(st.alive[2]);
  EXPECT_EQ(pos_of(st, 1), (Pos{6, 5}));
  EXPECT_EQ(st.occ[5 * 20 + 6], 1);
}

TEST(Move, IntoACellOfAHitSurvivorFails) {
  auto w = world_at(battle(2, 1), {{5, 5}, {8, 5}}, {{6, 5}});
  step_with(*w, {{0, kAtkE}, {1, kW2}});
  EXPECT_TRUE(w->snapshot().alive[2]);
  EXPECT_EQ(pos_of(w->snapshot(), 1), (Pos{8, 5}));
}

TEST(Move, AnAgentKilledThisStepDoesNotMove) {
  WorldConfig c = battle(1, 1);
  c.groups[1].type.hp_max = 1.0f;
  auto w = world_at(c, {{5, 5}}, {{6, 5}});
  step_with(*w, {{0, kAtkE}, {1, kE}});
  const HostState st = w->snapshot();
  EXPECT_FALSE(st.alive[1]);
  EXPECT_EQ(pos_of(st, 1), (Pos{6, 5}));  // where it died
  EXPECT_EQ(st.occ[5 * 20 + 7], kEmpty);
  EXPECT_EQ(st.occ[5 * 20 + 6], kEmpty);
}

TEST(Move, DeadAgentsNeverMoveAgain) {
  WorldConfig c = battle(1, 2);
  c.groups[1].type.hp_max = 1.0f;
  auto w = world_at(c, {{5, 5}}, {{6, 5}, {15, 15}});
  step_with(*w, {{0, kAtkE}});
  for (int k = 0; k < 3; ++k) {
    w->set_actions({kStay, kE, kStay});  // an action set for a dead agent is ignored
    w->step();
    EXPECT_EQ(pos_of(w->snapshot(), 1), (Pos{6, 5}));
    EXPECT_FALSE(w->snapshot().alive[1]);
    EXPECT_FLOAT_EQ(w->snapshot().reward[1], 0.0f);
  }
}
