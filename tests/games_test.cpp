// games_test.cpp: the six games as data: MAgent2's default maps and populations, the density rules at
// scale, and random and scripted play of every game checked after each step against what the rules
// allow (one body per cell, every cell of a body, conserved agents, legal moves, hp bounds, stats).
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "myriad/games/game.hpp"
#include "myriad/placement.hpp"
#include "myriad/world.hpp"

using namespace myriad;

namespace {

constexpr Scenario kGames[] = {Scenario::kBattle, Scenario::kBattlefield, Scenario::kAdversarialPursuit,
                               Scenario::kGather, Scenario::kTigerDeer,   Scenario::kCombinedArms};

struct Counts {
  int64_t deaths = 0, kills = 0, hits = 0, moved = 0;
};

// One step's state b after a, checked against the rules every game shares.
void check_step(const World& w, const HostState& a, const HostState& b, const StepStats& s, Counts& tot) {
  const WorldConfig& c = w.config();
  const GroupTable& gt = w.groups();
  const auto W = static_cast<size_t>(c.width);
  int64_t alive[kMaxGroups] = {}, died[kMaxGroups] = {}, body_cells = 0;
  double reward_sum = 0;
  for (size_t i = 0; i < b.x.size(); ++i) {
    const int g = b.group[i];
    const TypeParams& t = gt.type[g];
    const bool was = a.alive[i], is = b.alive[i];
    ASSERT_TRUE(was || !is) << "agent " << i << " came back to life";
    ASSERT_EQ(b.died[i], was && !is) << i;
    reward_sum += b.reward[i];
    if (!was) {  // dead before the step: frozen, no reward
      ASSERT_EQ(b.x[i], a.x[i]) << i;
      ASSERT_EQ(b.y[i], a.y[i]) << i;
      ASSERT_EQ(b.reward[i], 0.0f) << i;
      continue;
    }
    const int dx = b.x[i] - a.x[i], dy = b.y[i] - a.y[i], act = b.action[i];
    const bool legal = (dx == 0 && dy == 0) || (is && t.is_move(act) && dx == t.dx[act] && dy == t.dy[act]);
    ASSERT_TRUE(legal) << "agent " << i << " moved by (" << dx << "," << dy << ") with action " << act;
    tot.moved += dx != 0 || dy != 0;
    ASSERT_GE(b.x[i], 1) << i;
    ASSERT_GE(b.y[i], 1) << i;
    ASSERT_LE(b.x[i] + t.body_w - 1, c.width - 2) << i;
    ASSERT_LE(b.y[i] + t.body_h - 1, c.height - 2) << i;
    if (!is) {
      ++died[g];
      continue;
    }
    ++alive[g];
    ASSERT_GE(b.hp[i], 0.0f) << i;
    ASSERT_LE(b.hp[i], t.hp_max) << i;
    for (int by = 0; by < t.body_h; ++by)
      for (int bx = 0; bx < t.body_w; ++bx) {
        const size_t cell = static_cast<size_t>(b.y[i] + by) * W + static_cast<size_t>(b.x[i] + bx);
        ASSERT_EQ(b.occ[cell], static_cast<int32_t>(i)) << "agent " << i << " body cell " << bx << "," << by;
        ++body_cells;
      }
  }
  int64_t occupied = 0;
  for (size_t cell = 0; cell < b.occ.size(); ++cell) {
    ASSERT_EQ(b.occ[cell] == kWall, b.wall[cell] != 0) << "cell " << cell;
    if (b.occ[cell] >= 0) {
      ++occupied;
      ASSERT_TRUE(b.alive[static_cast<size_t>(b.occ[cell])]) << "cell " << cell;
    }
  }
  ASSERT_EQ(occupied, body_cells) << "a cell holds two bodies, or a body lost a cell";
  bool any_empty = false;
  int64_t kills = 0, deaths = 0;
  for (int g = 0; g < gt.n_groups; ++g) {
    ASSERT_EQ(s.alive[g], alive[g]) << "group " << g;
    ASSERT_EQ(s.deaths[g], died[g]) << "group " << g;
    any_empty = any_empty || alive[g] == 0;
    kills += s.kills[g];
    deaths += s.deaths[g];
    tot.hits += s.hits[g];
  }
  ASSERT_LE(kills, deaths) << "one killing blow per death at most (starvation has none)";
  ASSERT_EQ(s.done, any_empty);
  double stats_sum = 0;
  for (int g = 0; g < gt.n_groups; ++g) stats_sum += s.reward(g);
  ASSERT_NEAR(stats_sum, reward_sum, 1e-3 * (1.0 + static_cast<double>(b.x.size())));
  tot.kills += kills;
  tot.deaths += deaths;
}

Counts play(const WorldConfig& c, uint64_t seed, int steps, PolicyKind kind) {
  Counts tot;
  auto w = make_cpu_world(c);
  w->reset(seed);
  HostState a = w->snapshot();
  const std::vector<PolicySpec> policies(c.groups.size(), PolicySpec{kind, 0, -1});
  for (int t = 0; t < steps && !w->done(); ++t) {
    w->act(policies);
    const StepStats& s = w->step();
    const HostState b = w->snapshot();
    check_step(*w, a, b, s, tot);
    if (::testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << scenario_name(c.scenario) << " seed " << seed << " step " << t;
      return tot;
    }
    a = b;
  }
  return tot;
}

class EveryGame : public ::testing::TestWithParam<Scenario> {};

TEST_P(EveryGame, RandomPlayKeepsTheInvariants) {
  const Counts tot = play(game_config(GetParam()), 1, 60, PolicyKind::kRandom);
  EXPECT_GT(tot.moved, 0);
}

TEST_P(EveryGame, ScriptedPlayKeepsTheInvariants) {
  const Counts tot = play(game_config(GetParam()), 2, 60, PolicyKind::kScripted);
  EXPECT_GT(tot.moved, 0);
}

TEST_P(EveryGame, DefaultMapsAreDeterministicOrDrawnFromTheSeed) {
  const WorldConfig c = game_config(GetParam());
  auto w1 = make_cpu_world(c), w2 = make_cpu_world(c);
  w1->reset(5);
  w2->reset(5);
  EXPECT_EQ(w1->snapshot().hash(), w2->snapshot().hash());
  w2->reset(6);
  const bool random = GetParam() == Scenario::kAdversarialPursuit || GetParam() == Scenario::kTigerDeer;
  EXPECT_EQ(w1->snapshot().hash() != w2->snapshot().hash(), random) << "only pursuit and tiger_deer redraw their map";
}

INSTANTIATE_TEST_SUITE_P(Games, EveryGame, ::testing::ValuesIn(kGames),
                         [](const auto& info) { return std::string(scenario_name(info.param)); });

TEST(Games, NamesParseBothWays) {
  for (Scenario s : kGames) {
    EXPECT_EQ(parse_scenario(scenario_name(s)), s);
    EXPECT_EQ(parse_scenario(game_spec(s).magent_name), s);
  }
  try {
    parse_scenario("pursuit");
    FAIL() << "an unknown game was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    for (Scenario s : kGames) EXPECT_NE(m.find(scenario_name(s)), std::string::npos) << m;
  }
}

// MAgent2's default populations (games.md §2–§6; PettingZoo's agent counts).
TEST(Games, DefaultPopulationsAreMAgent2s) {
  auto counts = [](Scenario s) {
    std::vector<int64_t> v;
    for (const auto& g : game_config(s).groups) v.push_back(g.count);
    return v;
  };
  EXPECT_EQ(counts(Scenario::kBattle), (std::vector<int64_t>{81, 81}));
  EXPECT_EQ(counts(Scenario::kBattlefield), (std::vector<int64_t>{12, 12}));
  EXPECT_EQ(counts(Scenario::kAdversarialPursuit), (std::vector<int64_t>{25, 50}));
  EXPECT_EQ(counts(Scenario::kGather), (std::vector<int64_t>{2272, 495}));
  EXPECT_EQ(counts(Scenario::kTigerDeer), (std::vector<int64_t>{101, 20}));
  EXPECT_EQ(counts(Scenario::kCombinedArms), (std::vector<int64_t>{45, 36, 45, 36}));
  EXPECT_EQ(game_config(Scenario::kBattlefield).walls.size(), 200u);
  EXPECT_EQ(game_config(Scenario::kAdversarialPursuit).random_walls, 60);
  EXPECT_EQ(game_config(Scenario::kTigerDeer).random_walls, 81);
  EXPECT_EQ(game_config(Scenario::kGather).width, 200);
  EXPECT_EQ(game_config(Scenario::kTigerDeer).max_steps, 300);
  EXPECT_EQ(game_config(Scenario::kAdversarialPursuit).max_steps, 500);
}

// At scale every game keeps MAgent2's densities: the population and walls per cell within 10%, each
// group within 15% (combined_arms' alternating columns: 5 melee and 4 ranged at 45, about even at scale).
TEST(Games, DensitiesHoldAtScale) {
  for (Scenario s : kGames) {
    const WorldConfig small = game_config(s);
    GameSize big;
    big.agents = 200000;
    const WorldConfig large = game_config(s, big);
    EXPECT_GE(large.n_agents(), 180000) << scenario_name(s);
    EXPECT_LE(large.n_agents(), 400000) << scenario_name(s);
    const double cells_small = static_cast<double>(small.width) * small.height;
    const double cells_large = static_cast<double>(large.width) * large.height;
    EXPECT_NEAR((static_cast<double>(large.n_agents()) / cells_large) / (static_cast<double>(small.n_agents()) / cells_small),
                1.0, 0.1)
        << scenario_name(s);
    for (size_t g = 0; g < small.groups.size(); ++g) {
      const double d0 = static_cast<double>(small.groups[g].count) / cells_small;
      const double d1 = static_cast<double>(large.groups[g].count) / cells_large;
      EXPECT_NEAR(d1 / d0, 1.0, 0.15) << scenario_name(s) << " group " << small.groups[g].name;
    }
    const double w0 = (static_cast<double>(small.walls.size()) + static_cast<double>(small.random_walls)) / cells_small;
    const double w1 = (static_cast<double>(large.walls.size()) + static_cast<double>(large.random_walls)) / cells_large;
    EXPECT_NEAR(w1, w0, 0.1 * w0 + 1e-9) << scenario_name(s) << " walls";
    EXPECT_EQ(validate(large), "") << scenario_name(s);
  }
}

TEST(Games, SizesThatDoNotSuitAGameAreRefusedWithWhatItTakes) {
  GameSize per_team;
  per_team.agents_per_team = 100;
  try {
    game_config(Scenario::kAdversarialPursuit, per_team);
    FAIL() << "pursuit accepted agents_per_team";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("map_size or agents"), std::string::npos) << e.what();
  }
  GameSize both;
  both.map_size = 80;
  both.agents = 5000;
  EXPECT_THROW(game_config(Scenario::kTigerDeer, both), std::invalid_argument);
  GameSize tiny;
  tiny.map_size = 20;
  try {
    game_config(Scenario::kBattlefield, tiny);
    FAIL() << "a 20 battlefield was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(">= 46"), std::string::npos) << e.what();
  }
}

// Crowded pursuit: 2×2 predators claim several cells each; claim rounds never let two bodies overlap.
TEST(Games, CrowdedMultiCellMovesNeverOverlap) {
  WorldConfig c = game_config(Scenario::kAdversarialPursuit);
  c.width = c.height = 24;
  c.random_walls = 10;
  c.groups[0].count = 60;  // 240 of the 484 interior cells
  c.groups[1].count = 120;
  c.placement = Placement::kRandom;
  for (uint64_t seed : {3u, 4u}) {
    const Counts tot = play(c, seed, 80, PolicyKind::kRandom);
    EXPECT_GT(tot.moved, 0);
    EXPECT_EQ(tot.deaths, 0) << "a tag does no damage";
    EXPECT_GT(tot.hits, 0) << "no predator tagged a prey: the run checked little";
  }
}

TEST(Games, TigersStarveAndCombinedArmsFightsItself) {
  const Counts td = play(game_config(Scenario::kTigerDeer), 7, 110, PolicyKind::kScripted);
  EXPECT_GT(td.deaths, 0);
  const Counts ca = play(game_config(Scenario::kCombinedArms), 7, 120, PolicyKind::kScripted);
  EXPECT_GT(ca.kills, 0);
}

}  // namespace
