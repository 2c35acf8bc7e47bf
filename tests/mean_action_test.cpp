// mean_action_test.cpp: the mean-field input (rules.md §6) on the CPU backend: hand-built cases
// per metric and mode, and the sliding-window Chebyshev path against a brute-force reference.
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "test_worlds.hpp"

using namespace myriad;
using namespace myriad::test;

namespace {

// Brute force from rules.md §6 alone: same group, alive, not i, |dx|,|dy| <= floor(r)
// (or dx²+dy² <= r²), one-hot of the action just played, averaged; zeros without neighbours.
std::vector<float> reference_mean(const World& w, const HostState& s, int64_t i) {
  const WorldConfig& c = w.config();
  const size_t n = s.x.size(), ii = static_cast<size_t>(i);
  std::vector<uint32_t> cnt(21, 0);
  uint32_t total = 0;
  if (!s.alive[ii]) return std::vector<float>(21, 0.0f);
  const int R = static_cast<int>(c.mean_radius);
  for (size_t u = 0; u < n; ++u) {
    if (u == ii || !s.alive[u] || s.group[u] != s.group[ii]) continue;
    const int dx = s.x[u] - s.x[ii], dy = s.y[u] - s.y[ii];
    const bool in = c.mean_metric == Metric::kChebyshev
                        ? std::abs(dx) <= R && std::abs(dy) <= R
                        : static_cast<float>(dx * dx + dy * dy) <= c.mean_radius * c.mean_radius;
    if (!in) continue;
    ++cnt[s.action[u]];
    ++total;
  }
  std::vector<float> m(21, 0.0f);
  if (total == 0) return m;
  for (int k = 0; k < 21; ++k) m[static_cast<size_t>(k)] = static_cast<float>(cnt[static_cast<size_t>(k)]) / static_cast<float>(total);
  return m;
}

// Plays random steps and compares every agent's mean action with the reference after each.
void compare_with_reference(WorldConfig c, uint64_t seed, int steps) {
  auto w = make_cpu_world(c);
  w->reset(seed);
  int64_t nonzero = 0;
  for (int t = 0; t < steps; ++t) {
    w->act({{PolicyKind::kRandom}, {PolicyKind::kScripted}});
    w->step();
    const HostState s = w->snapshot();
    for (int64_t i = 0; i < w->n_agents(); ++i) {
      const std::vector<float> got = w->mean_action(i), want = reference_mean(*w, s, i);
      ASSERT_EQ(got, want) << "radius " << c.mean_radius << " map " << c.width << " step " << t << " agent " << i
                           << " at (" << s.x[static_cast<size_t>(i)] << "," << s.y[static_cast<size_t>(i)] << ")";
      for (float v : got) nonzero += v != 0.0f;
    }
  }
  EXPECT_GT(nonzero, 0);
}

// A scene around red0 at (10,10): red1 (12,12), red2 (13,10), red3 (9,11), red4 (11,10),
// red5 (10,8) killed by blue1 this step, blue0 (11,11). Nobody moves.
std::unique_ptr<World> scene(WorldConfig c) {
  c.groups[0].type.hp_max = 1.0f;
  auto w = world_at(c, {{10, 10}, {12, 12}, {13, 10}, {9, 11}, {11, 10}, {10, 8}}, {{11, 11}, {10, 7}});
  // red3 and red4 attack empty cells to the north-west; red2 attacks north; blue0 attacks south.
  step_with(*w, {{0, kAtkSW}, {1, kStay}, {2, kAtkN}, {3, kAtkNW}, {4, kAtkN}, {5, kAtkW}, {6, kAtkS}, {7, kAtkS}});
  return w;
}

}  // namespace

TEST(MeanAction, ZerosAfterReset) {
  auto w = make_cpu_world(battle_config(0, 0));
  w->reset(1);
  for (int64_t i = 0; i < w->n_agents(); ++i)
    for (float v : w->mean_action(i)) ASSERT_EQ(v, 0.0f);
}

TEST(MeanAction, ChebyshevNeighboursOfTheSameGroupOnly) {
  WorldConfig c = battle(6, 2);
  c.mean_radius = 2.0f;
  auto w = scene(c);
  ASSERT_FALSE(w->snapshot().alive[5]);
  // Counted for red0: red1 (stay, corner at distance 2), red3 (attack NW), red4 (attack N).
  // Not counted: red0 itself, red2 (distance 3), red5 (dead), blue0 (other group).
  std::vector<float> want(21, 0.0f);
  want[kStay] = 1.0f / 3.0f;
  want[kAtkNW] = 1.0f / 3.0f;
  want[kAtkN] = 1.0f / 3.0f;
  EXPECT_EQ(w->mean_action(0), want);
  EXPECT_EQ(w->mean_action(0), reference_mean(*w, w->snapshot(), 0));
  // blue0's only teammate blue1 (10,7) is out of range: zeros.
  EXPECT_EQ(w->mean_action(6), std::vector<float>(21, 0.0f));
  for (int64_t i = 0; i < w->n_agents(); ++i) EXPECT_EQ(w->mean_action(i), reference_mean(*w, w->snapshot(), i)) << i;
}

TEST(MeanAction, EuclideanExcludesTheCorners) {
  WorldConfig c = battle(6, 2);
  c.mean_radius = 2.0f;
  c.mean_metric = Metric::kEuclidean;
  auto w = scene(c);
  std::vector<float> want(21, 0.0f);  // red1 at (2,2): 8 > 4, out
  want[kAtkNW] = 0.5f;
  want[kAtkN] = 0.5f;
  EXPECT_EQ(w->mean_action(0), want);
  for (int64_t i = 0; i < w->n_agents(); ++i) EXPECT_EQ(w->mean_action(i), reference_mean(*w, w->snapshot(), i)) << i;
}

TEST(MeanAction, TeamWideIncludesSelf) {
  WorldConfig c = battle(6, 2);
  c.mean_mode = MeanActionMode::kTeamWide;
  auto w = scene(c);
  // Alive red: red0 (SW), red1 (stay), red2 (N), red3 (NW), red4 (N): 5 agents, i included.
  std::vector<float> want(21, 0.0f);
  want[kAtkSW] = 1.0f / 5.0f;
  want[kStay] = 1.0f / 5.0f;
  want[kAtkN] = 2.0f / 5.0f;
  want[kAtkNW] = 1.0f / 5.0f;
  for (int64_t i = 0; i < 5; ++i) EXPECT_EQ(w->mean_action(i), want) << i;
  EXPECT_EQ(w->mean_action(5), std::vector<float>(21, 0.0f));  // dead
  std::vector<float> blue(21, 0.0f);
  blue[kAtkS] = 1.0f;
  EXPECT_EQ(w->mean_action(6), blue);
}

TEST(MeanAction, OffModeIsZero) {
  WorldConfig c = battle(6, 2);
  c.mean_mode = MeanActionMode::kOff;
  auto w = scene(c);
  for (int64_t i = 0; i < w->n_agents(); ++i) EXPECT_EQ(w->mean_action(i), std::vector<float>(21, 0.0f));
}

TEST(MeanAction, NoNeighboursGivesZeros) {
  WorldConfig c = battle(2, 1);
  c.mean_radius = 3.0f;
  auto w = world_at(c, {{5, 5}, {9, 5}}, {{6, 5}});  // red1 is 4 cells away
  step_with(*w, {{0, kAtkE}, {1, kAtkN}, {2, kAtkW}});
  EXPECT_EQ(w->mean_action(0), std::vector<float>(21, 0.0f));
  EXPECT_EQ(w->mean_action(1), std::vector<float>(21, 0.0f));
}

TEST(MeanAction, UsesPositionsAfterTheStep) {
  WorldConfig c = battle(2, 1);
  c.mean_radius = 1.0f;
  auto w = world_at(c, {{5, 5}, {7, 5}}, {{15, 15}});
  step_with(*w, {{1, kW}});  // red1 moves next to red0
  std::vector<float> want(21, 0.0f);
  want[kW] = 1.0f;
  EXPECT_EQ(w->mean_action(0), want);
}

TEST(MeanAction, SlidingWindowMatchesBruteForce) {
  for (int r = 1; r <= 7; ++r) {
    WorldConfig c = battle(100, 100, 30);
    c.mean_method = MeanActionMethod::kSliding;
    c.mean_radius = static_cast<float>(r);
    compare_with_reference(c, static_cast<uint64_t>(r), 3);
  }
  WorldConfig c = battle(100, 100, 30);
  c.mean_method = MeanActionMethod::kSliding;
  c.mean_radius = 2.5f;  // Chebyshev uses floor(r)
  compare_with_reference(c, 11, 3);
}

TEST(MeanAction, EuclideanMatchesBruteForce) {
  for (float r : {1.0f, 1.5f, 2.0f, 4.5f, 6.0f}) {
    WorldConfig c = battle(100, 100, 30);
    c.mean_metric = Metric::kEuclidean;
    c.mean_radius = r;
    compare_with_reference(c, 5, 2);
  }
}

// Maps wider and taller than one 64-cell segment of the sliding passes.
TEST(MeanAction, SlidingWindowMatchesBruteForceAcrossSegments) {
  for (int r : {1, 3, 6}) {
    WorldConfig c = battle(1500, 1500, 100);
    c.mean_method = MeanActionMethod::kSliding;
    c.mean_radius = static_cast<float>(r);
    compare_with_reference(c, static_cast<uint64_t>(20 + r), 2);
  }
}

TEST(MeanAction, ChebyshevGatherMatchesBruteForce) {
  for (int r : {1, 4, 6}) {
    WorldConfig c = battle(100, 100, 30);
    c.mean_method = MeanActionMethod::kGather;
    c.mean_radius = static_cast<float>(r);
    compare_with_reference(c, static_cast<uint64_t>(40 + r), 3);
  }
}

// Groups with different action counts (13 v 21) share the per-cell count buffer by k_stride.
TEST(MeanAction, GroupsWithDifferentActionCountsMatchBruteForce) {
  for (auto method : {MeanActionMethod::kSliding, MeanActionMethod::kGather}) {
    WorldConfig c = battle(300, 300, 60);
    c.groups[1].type.speed = 1.0f;  // 5 moves + 8 attacks
    c.mean_method = method;
    c.mean_radius = 3.0f;
    compare_with_reference(c, 9, 3);
  }
}

TEST(MeanAction, AutoPicksTheCheaperMethod) {
  WorldConfig c = battle(81, 81, 45);
  EXPECT_EQ(make_cpu_world(c)->mean_params().gather, 1);  // 162 agents x 169 cells < 2025 cells x 2 x 21
  c.mean_radius = 20.0f;
  EXPECT_EQ(make_cpu_world(c)->mean_params().gather, 0);
  c.mean_metric = Metric::kEuclidean;
  EXPECT_EQ(make_cpu_world(c)->mean_params().gather, 1);  // the disc is always gathered
}
