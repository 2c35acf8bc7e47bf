// observation_test.cpp: what an agent sees (rules.md §5) on the CPU backend: the disc-masked view
// window, off-map and wall cells, channel order per observer, features, minimap, and bf16 storage.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "myriad/bf16.hpp"
#include "myriad/placement.hpp"
#include "test_worlds.hpp"

using namespace myriad;
using namespace myriad::test;

namespace {

// Reference view of observer i without minimap, written from rules.md §5 alone.
std::vector<float> reference_view(const World& w, int64_t i) {
  const WorldConfig& c = w.config();
  const HostState s = w.snapshot();
  const std::vector<uint8_t> wall = build_walls(c);
  const int V = 13, C = 1 + 2 * c.n_groups(), gi = s.group[static_cast<size_t>(i)];
  std::vector<float> v(static_cast<size_t>(V * V * C), 0.0f);
  for (int dy = -6; dy <= 6; ++dy)
    for (int dx = -6; dx <= 6; ++dx) {
      const int x = s.x[static_cast<size_t>(i)] + dx, y = s.y[static_cast<size_t>(i)] + dy;
      if (dx * dx + dy * dy > 36 || x < 0 || y < 0 || x >= c.width || y >= c.height) continue;
      float* cell = &v[static_cast<size_t>(((dy + 6) * V + dx + 6) * C)];
      cell[0] = wall[static_cast<size_t>(y * c.width + x)];
      for (size_t u = 0; u < s.x.size(); ++u) {
        if (!s.alive[u] || s.x[u] != x || s.y[u] != y) continue;
        const int slot = s.group[u] == gi ? 0 : 1;
        cell[1 + 2 * slot] = 1.0f;
        cell[2 + 2 * slot] = s.hp[u] / c.groups[s.group[u]].type.hp_max;
      }
    }
  return v;
}

void expect_reference(const World& w, int64_t i) {
  const std::vector<float> got = w.observation(i), want = reference_view(w, i);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k)
    ASSERT_EQ(got[k], want[k]) << "agent " << i << " row " << k / 65 << " col " << k / 5 % 13 << " ch " << k % 5;
}

}  // namespace

TEST(Observation, OffMapIsZeroAndTheBorderIsWall) {
  auto w = world_at(battle(1, 1), {{1, 1}}, {{18, 18}});
  const std::vector<float> a = w->observation(0), b = w->observation(1);
  EXPECT_EQ(view_at(*w, a, -1, 0, 0), 1.0f);   // (0,1): border wall
  EXPECT_EQ(view_at(*w, a, 0, -1, 0), 1.0f);   // (1,0)
  EXPECT_EQ(view_at(*w, a, -1, -1, 0), 1.0f);  // (0,0): corner
  EXPECT_EQ(view_at(*w, a, 1, 1, 0), 0.0f);    // interior
  for (int ch = 0; ch < 5; ++ch) {
    EXPECT_EQ(view_at(*w, a, -2, 0, ch), 0.0f);  // (-1,1): off the map, wall channel too
    EXPECT_EQ(view_at(*w, a, -3, -3, ch), 0.0f);
    EXPECT_EQ(view_at(*w, b, 2, 0, ch), 0.0f);   // (20,18)
  }
  EXPECT_EQ(view_at(*w, b, 1, 0, 0), 1.0f);  // (19,18)
  EXPECT_EQ(view_at(*w, b, 0, 1, 0), 1.0f);
  expect_reference(*w, 0);
  expect_reference(*w, 1);
}

TEST(Observation, DiscMaskHidesAgentsAndWallsOutsideRadius) {
  // From red0 (10,10): red1 dx=6 (inside), blue0 dy=-6 (inside), red2 (3,5) inside,
  // blue1 (4,5) and blue2 (6,6) outside the disc though inside the 13×13 window.
  WorldConfig c = battle(3, 3);
  c.walls = {{8, 9}, {5, 10}};  // dx=-2,dy=-1 inside; dx=-5,dy=0 inside
  auto w = world_at(c, {{10, 10}, {16, 10}, {13, 15}}, {{10, 4}, {14, 15}, {16, 16}});
  const std::vector<float> o = w->observation(0);
  EXPECT_EQ(view_at(*w, o, 6, 0, 1), 1.0f);
  EXPECT_EQ(view_at(*w, o, 6, 0, 2), 1.0f);
  EXPECT_EQ(view_at(*w, o, 0, -6, 3), 1.0f);
  EXPECT_EQ(view_at(*w, o, 3, 5, 1), 1.0f);
  EXPECT_EQ(view_at(*w, o, -2, -1, 0), 1.0f);
  EXPECT_EQ(view_at(*w, o, -5, 0, 0), 1.0f);
  for (int ch = 0; ch < 5; ++ch) {
    EXPECT_EQ(view_at(*w, o, 4, 5, ch), 0.0f);
    EXPECT_EQ(view_at(*w, o, 6, 6, ch), 0.0f);
  }
  auto v = world_at(battle(1, 1), {{6, 10}}, {{15, 15}});  // the wall column x = 0 is at dx = -6
  const std::vector<float> p = v->observation(0);
  EXPECT_EQ(view_at(*v, p, -6, 0, 0), 1.0f);
  EXPECT_EQ(view_at(*v, p, -6, 1, 0), 0.0f);  // 37 > 36
  EXPECT_EQ(view_at(*v, p, -6, -1, 0), 0.0f);
  for (int i = 0; i < 6; ++i) expect_reference(*w, i);
}

TEST(Observation, OwnGroupChannelsFirstAndSelfAtCentre) {
  // blue0 (10,10) and blue1 (9,10); red0 (11,10) hits blue0 once: hp 8.1 of 10.
  auto w = world_at(battle(1, 2), {{11, 10}}, {{10, 10}, {9, 10}});
  step_with(*w, {{0, kAtkW}});
  const float frac = hit_then_recover(10.0f, 1, AgentType{}, 2.0f) / 10.0f;
  const std::vector<float> b0 = w->observation(1), b1 = w->observation(2), r0 = w->observation(0);
  EXPECT_EQ(view_at(*w, b0, 0, 0, 1), 1.0f);  // itself, own (blue) channels
  EXPECT_EQ(view_at(*w, b0, 0, 0, 2), frac);
  EXPECT_EQ(view_at(*w, b0, -1, 0, 1), 1.0f);  // teammate
  EXPECT_EQ(view_at(*w, b0, -1, 0, 2), 1.0f);
  EXPECT_EQ(view_at(*w, b0, 1, 0, 3), 1.0f);  // red: the other group's channels
  EXPECT_EQ(view_at(*w, b0, 1, 0, 1), 0.0f);
  EXPECT_EQ(view_at(*w, b1, 1, 0, 2), frac);
  EXPECT_EQ(view_at(*w, r0, 0, 0, 1), 1.0f);
  EXPECT_EQ(view_at(*w, r0, -1, 0, 3), 1.0f);
  EXPECT_EQ(view_at(*w, r0, -1, 0, 4), frac);
  EXPECT_EQ(view_at(*w, r0, -2, 0, 4), 1.0f);
  for (int i = 0; i < 3; ++i) expect_reference(*w, i);
}

TEST(Observation, IdBitsAreTheLowTenBits) {
  WorldConfig c = battle(520, 520, 40);  // ids up to 1039
  auto w = make_cpu_world(c);
  w->reset(3);
  for (int64_t id : {0, 5, 519, 520, 1000, 1023, 1024, 1037}) {
    const std::vector<float> f = w->features(id);
    ASSERT_EQ(f.size(), 32u);
    for (int b = 0; b < 10; ++b) EXPECT_EQ(f[static_cast<size_t>(b)], static_cast<float>((id >> b) & 1)) << id << " bit " << b;
    for (size_t k = 10; k < 32; ++k) EXPECT_EQ(f[k], 0.0f) << "after reset, feature " << k;
  }
}

TEST(Observation, LastActionAndPreviousStepReward) {
  auto w = world_at(battle(1, 1), {{5, 5}}, {{6, 5}});
  const int acts[4] = {kAtkN, kStay, kAtkE, kStay};  // rewards -0.105, -0.005, 0.095, -0.005
  const float rewards[4] = {-0.105f, -0.005f, 0.095f, -0.005f};
  for (int t = 0; t < 4; ++t) {
    step_with(*w, {{0, acts[t]}});
    const std::vector<float> f = w->features(0);
    for (int a = 0; a < 21; ++a) EXPECT_EQ(f[static_cast<size_t>(10 + a)], a == acts[t] ? 1.0f : 0.0f) << t;
    const float prev = t == 0 ? 0.0f : rewards[t - 1];  // the step before the one just played
    EXPECT_NEAR(f[31], prev, 1e-6f) << "after step " << t;
    EXPECT_EQ(w->features(1)[16], 1.0f);  // blue stayed
    EXPECT_EQ(w->features(1)[0], 1.0f);   // id 1
  }
}

TEST(Observation, DeadAgentsObserveNothing) {
  WorldConfig c = battle(1, 2);
  c.groups[1].type.hp_max = 1.0f;
  auto w = world_at(c, {{5, 5}}, {{6, 5}, {15, 15}});
  step_with(*w, {{0, kAtkE}});
  for (float v : w->observation(1)) EXPECT_EQ(v, 0.0f);
  for (float v : w->features(1)) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(view_at(*w, w->observation(0), 1, 0, 3), 0.0f);  // gone from red0's view at once
}

namespace {

// Expected minimap channel: counts per bin / divisor, +1 at the observer's own bin.
void expect_minimap(const World& w, int64_t i, int ch, const std::map<std::pair<int, int>, int>& bins,
                    int divisor, std::pair<int, int> own) {
  const std::vector<float> o = w.observation(i);
  for (int r = 0; r < 13; ++r)
    for (int col = 0; col < 13; ++col) {
      auto it = bins.find({r, col});
      float want = it == bins.end() ? 0.0f : static_cast<float>(it->second) / static_cast<float>(divisor);
      if (std::make_pair(r, col) == own) want = want + 1.0f;
      EXPECT_EQ(o[static_cast<size_t>((r * 13 + col) * 7 + ch)], want) << "agent " << i << " ch " << ch << " [" << r << "][" << col << "]";
    }
}

}  // namespace

TEST(Observation, MinimapCountsPerBinAndPosition) {
  WorldConfig c = battle(3, 3);  // 20×20: bins of ceil(20/13) = 2 cells
  c.minimap = true;
  auto w = world_at(c, {{3, 3}, {2, 2}, {15, 7}}, {{10, 10}, {11, 11}, {18, 1}});
  const std::map<std::pair<int, int>, int> red = {{{1, 1}, 2}, {{3, 7}, 1}};
  const std::map<std::pair<int, int>, int> blue = {{{5, 5}, 2}, {{0, 9}, 1}};  // [0][9]: outside the disc
  expect_minimap(*w, 0, 3, red, 3, {1, 1});
  expect_minimap(*w, 0, 6, blue, 3, {1, 1});
  expect_minimap(*w, 3, 3, blue, 3, {5, 5});  // blue observer: own group first
  expect_minimap(*w, 3, 6, red, 3, {5, 5});
  expect_minimap(*w, 5, 3, blue, 3, {0, 9});
  const std::vector<float> o = w->observation(0);
  EXPECT_EQ(view_at(*w, o, -1, -1, 1), 1.0f);  // presence/hp keep their places in 7 channels
  EXPECT_EQ(view_at(*w, o, 0, 0, 2), 1.0f);
  const std::vector<float> f = w->features(5);
  ASSERT_EQ(f.size(), 34u);
  EXPECT_EQ(f[32], 18.0f / 20.0f);
  EXPECT_EQ(f[33], 1.0f / 20.0f);
  EXPECT_EQ(w->features(0)[32], 3.0f / 20.0f);
}

TEST(Observation, MinimapCountsAgentsThatDiedThisStep) {
  WorldConfig c = battle(1, 3);
  c.minimap = true;
  c.groups[1].type.hp_max = 1.0f;
  auto w = world_at(c, {{9, 10}}, {{10, 10}, {11, 11}, {18, 1}});
  step_with(*w, {{0, kAtkE}});  // blue0 dies at (10,10)
  ASSERT_FALSE(w->snapshot().alive[1]);
  expect_minimap(*w, 0, 6, {{{5, 5}, 2}, {{0, 9}, 1}}, 3, {5, 4});
  EXPECT_EQ(view_at(*w, w->observation(0), 1, 0, 4), 0.0f);  // but not in the view
  step_with(*w, {});
  expect_minimap(*w, 0, 6, {{{5, 5}, 1}, {{0, 9}, 1}}, 2, {5, 4});
  expect_minimap(*w, 2, 3, {{{5, 5}, 1}, {{0, 9}, 1}}, 2, {5, 5});
}

TEST(Observation, Bf16IsF32RoundedToNearestEven) {
  WorldConfig c = battle(50, 50);
  c.minimap = true;  // fractions such as 1/3 and hp 0.81 that bf16 cannot hold exactly
  WorldConfig cb = c;
  cb.obs_dtype = ObsDtype::kBf16;
  auto wf = make_cpu_world(c);
  auto wb = make_cpu_world(cb);
  wf->reset(3);
  wb->reset(3);
  int64_t inexact = 0;
  for (int t = 0; t < 6; ++t) {
    wf->act({{PolicyKind::kScripted}, {PolicyKind::kRandom}});
    wb->act({{PolicyKind::kScripted}, {PolicyKind::kRandom}});
    wf->step();
    wb->step();
    ASSERT_EQ(wf->snapshot().hash(), wb->snapshot().hash());
    for (int64_t i = 0; i < wf->n_agents(); ++i) {
      const std::vector<float> f = wf->observation(i), b = wb->observation(i);
      for (size_t k = 0; k < f.size(); ++k) {
        ASSERT_EQ(b[k], from_bf16(to_bf16(f[k]))) << "agent " << i << " value " << k;
        inexact += b[k] != f[k];
      }
      ASSERT_EQ(wf->features(i), wb->features(i));
    }
  }
  EXPECT_GT(inexact, 0);
}
