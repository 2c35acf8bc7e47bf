// determinism_test.cpp: a world is a pure function of (config, seed, actions) on the CPU backend,
// whatever the thread count; placements (MAgent's blocks, counter-based random) are exact.
#include <gtest/gtest.h>
#include <omp.h>

#include <set>
#include <vector>

#include "myriad/placement.hpp"
#include "test_worlds.hpp"

using namespace myriad;
using namespace myriad::test;

namespace {

using Policies = std::vector<PolicySpec>;
const Policies kRandomBoth = {{PolicyKind::kRandom}, {PolicyKind::kRandom}};
const Policies kFight = {{PolicyKind::kScripted}, {PolicyKind::kRandom}};

// State hashes after reset and after every step (until the episode ends).
std::vector<uint64_t> hashes(const WorldConfig& c, uint64_t seed, int steps, const Policies& p = kFight) {
  auto w = make_cpu_world(c);
  w->reset(seed);
  std::vector<uint64_t> h{w->snapshot().hash()};
  for (int t = 0; t < steps && !w->done(); ++t) {
    w->act(p);
    w->step();
    h.push_back(w->snapshot().hash());
  }
  return h;
}

WorldConfig crowded() {
  WorldConfig c = battle_config(400, 50);  // 800 agents on 48×48 interior cells: many contests
  c.placement = Placement::kRandom;
  return c;
}

}  // namespace

TEST(Determinism, SameSeedSameTrajectory) {
  const auto a = hashes(battle_config(0, 0), 5, 100, kRandomBoth), b = hashes(battle_config(0, 0), 5, 100, kRandomBoth);
  EXPECT_EQ(a.size(), 101u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(hashes(battle_config(0, 0), 5, 100), hashes(battle_config(0, 0), 5, 100));  // a fight
  const auto c = hashes(crowded(), 5, 100), d = hashes(crowded(), 5, 100);
  EXPECT_EQ(c, d);
}

TEST(Determinism, DifferentSeedDifferentTrajectory) {
  const auto a = hashes(battle_config(0, 0), 5, 100, kRandomBoth), b = hashes(battle_config(0, 0), 6, 100, kRandomBoth);
  EXPECT_EQ(a.front(), b.front());  // blocks placement does not depend on the seed
  EXPECT_NE(a.back(), b.back());
}

TEST(Determinism, ResetRestartsTheSameEpisode) {
  auto w = make_cpu_world(crowded());
  std::vector<uint64_t> first, second;
  for (auto* out : {&first, &second}) {
    w->reset(8);
    for (int t = 0; t < 30; ++t) {
      w->act({{PolicyKind::kScripted}, {PolicyKind::kScripted}});
      w->step();
      out->push_back(w->snapshot().hash());
    }
    EXPECT_EQ(w->step_index(), 30);
  }
  EXPECT_EQ(first, second);
}

TEST(Determinism, IndependentOfThreadCount) {
  const int saved = omp_get_max_threads();
  // Big enough (5000 agents, 6400 cells) that every phase runs on a team of threads.
  WorldConfig c = battle_config(2500, 80);
  c.placement = Placement::kRandom;
  omp_set_num_threads(1);
  const auto one = hashes(c, 12, 40);
  omp_set_num_threads(7);
  const auto seven = hashes(c, 12, 40);
  omp_set_num_threads(saved);
  EXPECT_EQ(one, seven);
}

TEST(Placement, RandomIsDistinctInteriorAndSeeded) {
  WorldConfig c = battle_config(300, 40);
  c.placement = Placement::kRandom;
  c.walls = {{20, 20}, {21, 20}, {5, 30}};
  const std::vector<uint8_t> wall = build_walls(c);
  const auto p1 = place_agents(c, wall, 1), p1b = place_agents(c, wall, 1), p2 = place_agents(c, wall, 2);
  ASSERT_EQ(p1.size(), 600u);
  EXPECT_EQ(p1, p1b);
  EXPECT_NE(p1, p2);
  for (const auto* p : {&p1, &p2}) {
    std::set<Pos> cells(p->begin(), p->end());
    EXPECT_EQ(cells.size(), 600u);
    for (auto [x, y] : *p) {
      EXPECT_TRUE(x >= 1 && y >= 1 && x <= 38 && y <= 38) << x << "," << y;
      EXPECT_FALSE(wall[static_cast<size_t>(y * 40 + x)]) << x << "," << y;
    }
  }
  // Spread over the map, not packed into a corner: every quadrant holds a fair share.
  int quadrant[4] = {0, 0, 0, 0};
  for (auto [x, y] : p1) ++quadrant[(x >= 20) + 2 * (y >= 20)];
  for (int q : quadrant) EXPECT_GT(q, 100);
}

TEST(Placement, RandomFillsAFullMap) {
  WorldConfig c = battle_config(8, 6);  // 16 agents, 4×4 interior: every cell taken
  c.placement = Placement::kRandom;
  const auto p = place_agents(c, build_walls(c), 3);
  EXPECT_EQ(std::set<Pos>(p.begin(), p.end()).size(), 16u);
  c.groups[1].count = 9;
  EXPECT_NE(validate(c), "");
}

TEST(Placement, BlocksMatchMAgentOn40) {
  // MAgent2 battle_v4 generate_map, S = 40: side = 2·floor(sqrt(0.04·1600)) = 16, gap 3,
  // red x from 40/2 - 3 - 16 = 1, blue x from 40/2 + 3 = 23, y from (40 - 16)/2 = 12, stride 2,
  // x outer, y inner.
  const WorldConfig c = battle_config(0, 40);
  ASSERT_EQ(c.groups[0].count, 64);
  const auto p = place_agents(c, build_walls(c), 77);
  ASSERT_EQ(p.size(), 128u);
  for (int k = 0; k < 64; ++k) {
    EXPECT_EQ(p[static_cast<size_t>(k)], (Pos{1 + 2 * (k / 8), 12 + 2 * (k % 8)})) << "red " << k;
    EXPECT_EQ(p[static_cast<size_t>(64 + k)], (Pos{23 + 2 * (k / 8), 12 + 2 * (k % 8)})) << "blue " << k;
  }
}

TEST(Placement, BlocksMatchMAgentOn45) {
  // The default: side 18, red x 1..17, blue x 25..41, y 13..29: seven empty columns (18..24).
  const WorldConfig c = battle_config(0, 0);
  const auto p = place_agents(c, build_walls(c), 1);
  ASSERT_EQ(p.size(), 162u);
  for (int k = 0; k < 81; ++k) {
    EXPECT_EQ(p[static_cast<size_t>(k)], (Pos{1 + 2 * (k / 9), 13 + 2 * (k % 9)})) << "red " << k;
    EXPECT_EQ(p[static_cast<size_t>(81 + k)], (Pos{25 + 2 * (k / 9), 13 + 2 * (k % 9)})) << "blue " << k;
  }
  auto w = make_cpu_world(c);
  w->reset(1);
  const HostState s = w->snapshot();
  for (int k = 0; k < 162; ++k) EXPECT_EQ(pos_of(s, k), p[static_cast<size_t>(k)]);
}
