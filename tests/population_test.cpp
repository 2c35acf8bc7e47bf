// population_test.cpp: a population smaller than the world's slots (World::set_population) and the
// grow_population curriculum built on it: only the fielded agents are placed, alive and counted, the
// others stay dead and off the map through a whole episode; the games' own generators place the smaller
// population; the trainer grows every group in proportion over the episodes, learns from the fielded
// agents only, normalises per-agent returns by them, and a restored run fields what a straight one does.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "myriad/games/game.hpp"
#include "myriad/rules/curriculum.hpp"
#include "myriad/trainer.hpp"
#include "test_worlds.hpp"

namespace myriad {
namespace {

// The fielded agents are the first population(g) slots of each group: alive, on the map, each on its
// own cells; the others dead, hp 0, on no cell.
void expect_fielded(const World& w, const std::vector<int64_t>& pop) {
  const HostState s = w.snapshot();
  const GroupTable& gt = w.groups();
  std::set<int32_t> on_map;
  for (int32_t id : s.occ)
    if (id >= 0) on_map.insert(id);
  for (int g = 0; g < gt.n_groups; ++g) {
    EXPECT_EQ(w.population(g), pop[static_cast<size_t>(g)]);
    EXPECT_EQ(w.last_stats().alive[g], pop[static_cast<size_t>(g)]) << "group " << g;
    for (int64_t i = gt.begin[g]; i < gt.begin[g + 1]; ++i) {
      const bool fielded = i - gt.begin[g] < pop[static_cast<size_t>(g)];
      EXPECT_EQ(s.alive[static_cast<size_t>(i)], fielded ? 1 : 0) << "agent " << i;
      EXPECT_EQ(on_map.count(static_cast<int32_t>(i)), fielded ? 1u : 0u) << "agent " << i;
      if (!fielded) EXPECT_EQ(s.hp[static_cast<size_t>(i)], 0.0f) << "agent " << i;
    }
  }
}

TEST(Population, OnlyTheFieldedAgentsArePlacedAndPlay) {
  WorldConfig c = test::battle(20, 20, 30);
  auto w = make_cpu_world(c);
  w->set_population({5, 8});
  w->reset(3);
  expect_fielded(*w, {5, 8});
  for (int t = 0; t < 30 && !w->done(); ++t) {
    w->act({{PolicyKind::kRandom}, {PolicyKind::kRandom}});
    const StepStats& st = w->step();
    EXPECT_LE(st.alive[0], 5);
    EXPECT_LE(st.alive[1], 8);
    const HostState s = w->snapshot();
    for (int64_t i : {int64_t{5}, int64_t{19}, int64_t{28}, int64_t{39}}) {
      EXPECT_EQ(s.alive[static_cast<size_t>(i)], 0) << "a slot not fielded never comes to life";
      EXPECT_EQ(s.reward[static_cast<size_t>(i)], 0.0f);
    }
  }
  // The same seed with the population set again: the same episode.
  auto v = make_cpu_world(c);
  v->set_population({5, 8});
  v->reset(3);
  w->reset(3);
  EXPECT_EQ(w->snapshot().hash(), v->snapshot().hash());
  w->set_population({20, 20});
  w->reset(3);
  expect_fielded(*w, {20, 20});
}

TEST(Population, BadCountsAreRefused) {
  auto w = make_cpu_world(test::battle(6, 6, 20));
  for (const std::vector<int64_t>& bad : {std::vector<int64_t>{6}, {0, 6}, {6, 7}, {-1, 3}}) {
    try {
      w->set_population(bad);
      ADD_FAILURE() << "a population of " << bad.size() << " counts was taken";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("population"), std::string::npos) << e.what();
    }
  }
  w->reset(1);
  expect_fielded(*w, {6, 6});
}

// Every game's own map generator places a smaller population (or says to place at random).
TEST(Population, EveryGamesGeneratorPlacesASmallerPopulation) {
  for (Scenario sc : {Scenario::kBattle, Scenario::kBattlefield, Scenario::kAdversarialPursuit, Scenario::kGather,
                      Scenario::kTigerDeer, Scenario::kCombinedArms}) {
    const WorldConfig c = game_config(sc, GameSize{});
    auto w = make_cpu_world(c);
    std::vector<int64_t> pop;
    for (int g = 0; g < w->n_groups(); ++g) pop.push_back(std::max<int64_t>(1, w->groups().count(g) / 3));
    w->set_population(pop);
    try {
      w->reset(11);
    } catch (const std::invalid_argument& e) {
      ADD_FAILURE() << scenario_name(sc) << ": " << e.what();
      continue;
    }
    expect_fielded(*w, pop);
    for (int t = 0; t < 5 && !w->done(); ++t) {
      std::vector<PolicySpec> specs(static_cast<size_t>(w->n_groups()), PolicySpec{PolicyKind::kRandom, 0, -1});
      w->act(specs);
      w->step();
    }
  }
}

TEST(Population, GroupsGrowInProportionToTheLearnersGroup) {
  EXPECT_EQ(population_in_proportion(40, 20, 5), 10);
  EXPECT_EQ(population_in_proportion(20, 20, 5), 5) << "the learner's group fields exactly n_L";
  EXPECT_EQ(population_in_proportion(3, 20, 1), 1) << "at least one";
  EXPECT_EQ(population_in_proportion(7, 20, 3), 2) << "rounded up";
  EXPECT_EQ(population_in_proportion(7, 20, 20), 7);
  EXPECT_EQ(population_in_proportion(0, 20, 3), 0);
}

TrainConfig growing(Scenario sc = Scenario::kBattle) {
  TrainConfig c;
  c.scenario = sc;
  c.algorithm = Algorithm::kMfq;
  c.agents_per_team = 12;
  c.map_size = 24;
  c.max_steps = 30;
  c.episodes = 4;
  c.batch = 32;
  c.hidden = {32};
  c.seed = 21;
  c.replay_capacity = 4096;
  c.store_fraction = 1.0;
  c.swap_sides = false;
  c.curriculum = Curriculum::kGrowPopulation;
  c.grow_from = 3;
  c.grow_episodes = 2;
  resolve_defaults(c, false);
  return c;
}

TEST(GrowPopulation, TheMapFillsOverTheEpisodesAndOnlyTheFieldedLearn) {
  Trainer t(growing(), BackendKind::kCpu);
  const int64_t want[3] = {3, 3 + (12 - 3) * 1 / 2, 12};
  for (int e = 0; e < 3; ++e) {
    const size_t stored_before = t.replay().size();
    const EpisodeMetrics m = t.run_episode();
    EXPECT_EQ(m.learning_agents, want[e]) << "episode " << e;
    EXPECT_EQ(t.world().population(0), want[e]);
    EXPECT_EQ(t.world().population(1), want[e]) << "the other team grows with it";
    EXPECT_LE(m.survivors[0], want[e]);
    EXPECT_DOUBLE_EQ(m.per_agent_return[0], m.team_return[0] / static_cast<double>(want[e]))
        << "returns per agent fielded";
    const size_t stored = t.replay().size() - stored_before;
    if (t.replay().size() < 4096) {
      EXPECT_LE(stored, static_cast<size_t>(want[e] * m.steps)) << "only the fielded agents' transitions";
      EXPECT_GT(stored, 0u);
    }
  }
  // grow_from above the group is refused as for grow_learners.
  TrainConfig bad = growing();
  bad.grow_from = 13;
  EXPECT_THROW(Trainer(bad, BackendKind::kCpu), ConfigError);
}

TEST(GrowPopulation, PursuitGrowsPreyWithThePredators) {
  TrainConfig c = growing(Scenario::kAdversarialPursuit);
  c.agents_per_team = kAuto;
  c.map_size = 32;  // MAgent's density: 12 predators, 25 prey
  c.learner = "predator";
  c.grow_from = 2;
  c.grow_episodes = 3;
  resolve_defaults(c, false);
  Trainer t(c, BackendKind::kCpu);
  const GroupTable& gt = t.world().groups();
  const int pred = t.world().config().group_index("predator"), prey = 1 - pred;
  const EpisodeMetrics m = t.run_episode();
  EXPECT_EQ(m.learning_agents, 2);
  EXPECT_EQ(t.world().population(pred), 2);
  EXPECT_EQ(t.world().population(prey), population_in_proportion(gt.count(prey), gt.count(pred), 2));
  EXPECT_LT(t.world().population(prey), gt.count(prey));
}

TEST(GrowPopulation, ARestoredRunFieldsWhatAStraightOneDoes) {
  const TrainConfig c = growing();
  Trainer straight(c, BackendKind::kCpu);
  straight.run_episode();
  const Checkpoint ck = straight.checkpoint();
  Trainer resumed(c, BackendKind::kCpu);
  resumed.restore(ck);
  const EpisodeMetrics a = straight.run_episode(), b = resumed.run_episode();
  EXPECT_EQ(a.episode, b.episode);
  EXPECT_EQ(a.learning_agents, 7);
  EXPECT_EQ(b.learning_agents, a.learning_agents);
  EXPECT_EQ(resumed.world().population(1), straight.world().population(1));
}

TEST(GrowPopulation, TheCurriculumReadsAndWritesBack) {
  TrainConfig c;
  apply_toml(c, "curriculum = \"grow_population\"\ngrow_from = 8", "x.toml");
  EXPECT_EQ(c.curriculum, Curriculum::kGrowPopulation);
  resolve_defaults(c, false);
  TrainConfig d;
  apply_toml(d, to_toml(c), "resolved.toml");
  EXPECT_EQ(d.curriculum, Curriculum::kGrowPopulation);
  EXPECT_EQ(d.grow_from, 8);
}

}  // namespace
}  // namespace myriad
