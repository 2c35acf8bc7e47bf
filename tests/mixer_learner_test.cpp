// mixer_learner_test.cpp: VDN, QMIX and MFQMIX through the trainer: a team mixer's replay holds whole
// steps (absent rows marked), a tile mixer's kept rows are sorted by tile with each tile's first row
// marked, MFQMIX's nearest-agents ā against a brute-force reference, every mixer trains with finite
// losses, checkpoints round-trip and resume bit for bit, both_learn with another algorithm on the other
// side, the memory plan, and the refusals that point to what would work.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "learners/learner_impl.hpp"
#include "myriad/trainer.hpp"
#include "test_worlds.hpp"

namespace myriad {
namespace {

TrainConfig small(Algorithm a) {
  TrainConfig c;
  c.algorithm = a;
  c.agents_per_team = 12;
  c.map_size = 24;
  c.max_steps = 30;
  c.episodes = 4;
  c.batch = 48;
  c.hidden = {32};
  c.seed = 17;
  c.replay_capacity = 3000;
  c.mixer_embed = 8;
  c.hypernet_hidden = 16;
  resolve_defaults(c, false);
  return c;
}

TrainConfig tiles(Algorithm a) {
  TrainConfig c = small(a);
  c.mixer_groups = MixerGroups::kTiles;
  c.mixer_tile = 6;
  c.mixer_window = 16;
  c.store_fraction = 0.5;
  return c;
}

template <typename F>
std::string config_error(F make) {
  try {
    make();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MixerLearner, EveryMixerTrainsWithFiniteLossesOnTeamsAndTiles) {
  for (Algorithm a : {Algorithm::kVdn, Algorithm::kQmix, Algorithm::kMfqmix})
    for (bool by_tile : {false, true}) {
      Trainer t(by_tile ? tiles(a) : small(a), BackendKind::kCpu);
      EXPECT_NE(dynamic_cast<MixerLearner*>(&t.learner()), nullptr);
      EXPECT_EQ(dynamic_cast<MixerLearner&>(t.learner()).hyper() != nullptr, has_hypernetwork(a));
      int64_t updates = 0;
      for (int e = 0; e < 3; ++e) {
        const EpisodeMetrics m = t.run_episode();
        updates += m.updates;
        if (m.updates > 0) EXPECT_TRUE(std::isfinite(m.loss)) << algorithm_name(a) << " tiles " << by_tile;
      }
      EXPECT_GT(updates, 10) << algorithm_name(a);
    }
}

TEST(MixerLearner, ATeamMixersReplayHoldsWholeStepsWithNonLearnersAbsent) {
  TrainConfig c = small(Algorithm::kQmix);
  c.curriculum = Curriculum::kGrowLearners;
  c.grow_from = 3;
  c.grow_episodes = 4;
  c.swap_sides = false;
  Trainer t(c, BackendKind::kCpu);
  const EpisodeMetrics m = t.run_episode();
  ReplayBuffer& r = t.replay();
  EXPECT_EQ(r.size(), 12 * m.steps) << "every row of every step";
  EXPECT_EQ(r.capacity(), 3000 / 12 * 12) << "whole steps only";
  const HostReplayBatch b = r.sample_windows_host(20, 12, true, 5, 0);
  for (int w = 0; w < 20; ++w) {
    int absent = 0;
    for (int j = 0; j < 12; ++j) {
      const size_t k = static_cast<size_t>(w * 12 + j);
      EXPECT_EQ(b.start[k], j == 0 ? 1 : 0) << "one group a step";
      absent += b.done[k] == kAbsentRow;
      EXPECT_TRUE(b.done[k] == 0.0f || b.done[k] == 1.0f || b.done[k] == kAbsentRow);
    }
    EXPECT_GE(absent, 9) << "the 9 agents that do not learn take no part";
  }
}

TEST(MixerLearner, ATileMixerKeepsRowsSortedByTileWithEachTileStarted) {
  TrainConfig c = tiles(Algorithm::kVdn);
  c.store_fraction = 1.0;
  c.agents_per_team = 40;
  c.map_size = 40;
  auto world = make_cpu_world(train_world_config(c));
  world->reset(3);
  TrainerOps ops(world->backend());
  TeamPolicy team(*world, ops, 0);
  const int64_t n = team.count();
  const ReplayShape rs{static_cast<int>(world->obs_layout(0).obs_stride()), world->obs_layout(0).n_features, 21, 1};
  TransitionStaging st(ops, n, n, rs);
  ops.reserve_compaction(n);
  const RowGrouping g = row_grouping(c, 40, 40);
  EXPECT_EQ(g.tiles_x, 7);
  KeptTransitions kept(ops, rs, n, 1.0, g);
  KeepParams kp;
  kp.fraction = 1.0f;
  kp.learning.size = kp.learning.learners = n;
  kept.choose(*world, team, InputMode::kZeroMean, kp, st);
  const std::vector<int64_t> rows = kept.rows_host();
  const std::vector<uint8_t> starts = kept.starts_host();
  ASSERT_EQ(static_cast<int64_t>(rows.size()), n);
  const HostState s = world->snapshot();
  auto tile = [&](int64_t r) {
    const size_t i = static_cast<size_t>(team.begin() + r);
    return (s.y[i] / 6) * 7 + s.x[i] / 6;
  };
  std::set<int64_t> seen(rows.begin(), rows.end());
  EXPECT_EQ(static_cast<int64_t>(seen.size()), n) << "every row once";
  for (size_t j = 0; j < rows.size(); ++j) {
    if (j > 0) {
      EXPECT_LE(tile(rows[j - 1]), tile(rows[j])) << "sorted by tile";
      if (tile(rows[j - 1]) == tile(rows[j])) EXPECT_LT(rows[j - 1], rows[j]) << "row order within a tile";
    }
    EXPECT_EQ(starts[j], j == 0 || tile(rows[j - 1]) != tile(rows[j]) ? 1 : 0) << j;
  }
}

// Brute force of MFQMIX's ā: the k alive same-group agents nearest to i (squared distance, then id).
std::vector<float> nearest_reference(const World& w, const HostState& s, int64_t i, int k) {
  std::vector<std::pair<int64_t, int64_t>> d;  // (d², id)
  const size_t ii = static_cast<size_t>(i);
  for (size_t u = 0; u < s.x.size(); ++u) {
    if (u == ii || !s.alive[u] || s.group[u] != s.group[ii]) continue;
    const int64_t dx = s.x[u] - s.x[ii], dy = s.y[u] - s.y[ii];
    d.push_back({dx * dx + dy * dy, static_cast<int64_t>(u)});
  }
  std::sort(d.begin(), d.end());
  std::vector<float> m(static_cast<size_t>(w.mean_params().k_stride), 0.0f);
  const size_t take = std::min(d.size(), static_cast<size_t>(k));
  for (size_t j = 0; j < take; ++j) m[s.action[static_cast<size_t>(d[j].second)]] += 1.0f;
  for (float& v : m) v = take > 0 ? v / static_cast<float>(take) : 0.0f;
  return m;
}

TEST(MixerLearner, NearestMeanActionIsTheClosestTenthOfTheGroup) {
  for (int64_t n : {12, 64, 300}) {
    WorldConfig c = battle_config(n, std::max(24, battle_map_side_for(n)));
    c.mean_mode = MeanActionMode::kNearest;
    auto w = make_cpu_world(c);
    w->reset(static_cast<uint64_t>(n));
    const int k = nearest_count(w->mean_params(), n);
    EXPECT_EQ(k, std::min<int>(32, static_cast<int>(std::ceil(0.1 * static_cast<double>(n - 1)))));
    for (int t = 0; t < 4; ++t) {
      w->act({{PolicyKind::kRandom}, {PolicyKind::kScripted}});
      w->step();
      const HostState s = w->snapshot();
      for (int64_t i = 0; i < w->n_agents(); ++i) {
        if (!s.alive[static_cast<size_t>(i)]) continue;
        ASSERT_EQ(w->mean_action(i), nearest_reference(*w, s, i, k)) << "n " << n << " step " << t << " agent " << i;
      }
    }
  }
  // A population of 30 fielded of 90 slots (grow_population): the tenth of the 30.
  {
    WorldConfig c = battle_config(90, 48);
    c.mean_mode = MeanActionMode::kNearest;
    auto w = make_cpu_world(c);
    w->set_population({30, 30});
    w->reset(5);
    const int k = nearest_count(w->mean_params(), 30);
    EXPECT_EQ(k, 3);
    for (int t = 0; t < 3; ++t) {
      w->act({{PolicyKind::kRandom}, {PolicyKind::kRandom}});
      w->step();
      const HostState s = w->snapshot();
      for (int64_t i = 0; i < w->n_agents(); ++i)
        if (s.alive[static_cast<size_t>(i)]) ASSERT_EQ(w->mean_action(i), nearest_reference(*w, s, i, k)) << i;
    }
  }
  // The same for one group only beside the radius ā of the other (an MFQMIX side against an MF-Q one).
  WorldConfig c = battle_config(40, 36);
  auto w = make_cpu_world(c);
  auto r = make_cpu_world(c);
  w->set_nearest_groups(2u);  // blue
  w->reset(9);
  r->reset(9);
  w->act({{PolicyKind::kRandom}, {PolicyKind::kRandom}});
  r->act({{PolicyKind::kRandom}, {PolicyKind::kRandom}});
  w->step();
  r->step();
  const HostState s = w->snapshot();
  const int k = nearest_count(w->mean_params(), 40);
  for (int64_t i = 0; i < w->n_agents(); ++i) {
    if (!s.alive[static_cast<size_t>(i)]) continue;
    if (s.group[static_cast<size_t>(i)] == 1) EXPECT_EQ(w->mean_action(i), nearest_reference(*w, s, i, k));
    else EXPECT_EQ(w->mean_action(i), r->mean_action(i)) << "red keeps the radius ā";
  }
}

TEST(MixerLearner, CheckpointsCarryEveryNetworkAndRestoreThem) {
  for (Algorithm a : {Algorithm::kVdn, Algorithm::kMfqmix}) {
    const TrainConfig c = small(a);
    Trainer first(c, BackendKind::kCpu);
    first.run_episode();
    first.run_episode();
    const Checkpoint ck = first.checkpoint();
    if (has_hypernetwork(a))
      for (const char* s : {"red.hyper", "red.hyper_target", "red.hyper.adam_m", "red.hyper.adam_step"})
        EXPECT_TRUE(ck.has(s)) << s;
    else
      EXPECT_FALSE(ck.has("red.hyper"));
    Trainer resumed(c, BackendKind::kCpu);
    resumed.restore(ck);
    EXPECT_EQ(resumed.episode(), 2);
    auto& p = dynamic_cast<MixerLearner&>(first.learner());
    auto& q = dynamic_cast<MixerLearner&>(resumed.learner());
    EXPECT_EQ(p.online().params(), q.online().params());
    EXPECT_EQ(p.online().adam_m(), q.online().adam_m());
    EXPECT_EQ(p.online().step(), q.online().step());
    if (p.hyper() != nullptr) {
      EXPECT_EQ(p.hyper()->params(), q.hyper()->params());
      EXPECT_EQ(p.hyper()->adam_v(), q.hyper()->adam_v());
      EXPECT_EQ(p.hyper()->step(), q.hyper()->step());
      EXPECT_GT(q.hyper()->step(), 0);
    }
    resumed.run_episode();
    TrainConfig other = c;
    other.algorithm = a == Algorithm::kVdn ? Algorithm::kQmix : Algorithm::kVdn;
    Trainer wrong(other, BackendKind::kCpu);
    EXPECT_THROW(wrong.restore(ck), std::runtime_error) << "another mixer's checkpoint does not resume this run";
  }
}

TEST(MixerLearner, BothLearnWithAnotherAlgorithmOnTheOtherSide) {
  TrainConfig c = small(Algorithm::kMfq);
  c.opponent = Opponent::kBothLearn;
  c.opponent_algorithm = Algorithm::kMfqmix;
  Trainer t(c, BackendKind::kCpu);
  EXPECT_NE(dynamic_cast<QLearner*>(&t.learner(0)), nullptr);
  EXPECT_NE(dynamic_cast<MixerLearner*>(&t.learner(1)), nullptr);
  EXPECT_EQ(t.learner(1).config().reward_mode, RewardMode::kTeam) << "the mixer's own default";
  EXPECT_EQ(t.learner(0).config().reward_mode, RewardMode::kIndividual);
  EXPECT_EQ(t.learner(1).config().store_fraction, 1.0) << "a team mixer stores whole steps";
  const TrainMemory& m = t.memory();
  EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes());
  for (int e = 0; e < 2; ++e) t.run_episode();
  EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << "nothing is allocated lazily";
  EXPECT_EQ(t.replay(1).size() % 12, 0) << "the mixer side's whole steps";
  TrainConfig bad = small(Algorithm::kMfq);
  bad.opponent_algorithm = Algorithm::kQmix;
  EXPECT_NE(config_error([&] { validate_train_config(bad); }).find("opponent = both_learn"), std::string::npos);
}

TEST(MixerLearner, MemoryPlanIsWhatEveryMixerAllocates) {
  for (Algorithm a : {Algorithm::kVdn, Algorithm::kQmix, Algorithm::kMfqmix})
    for (const TrainConfig& c : {small(a), tiles(a)}) {
      Trainer t(c, BackendKind::kCpu);
      const TrainMemory& m = t.memory();
      EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << algorithm_name(a);
      t.run_episode();
      EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << algorithm_name(a);
    }
}

TEST(MixerLearner, WhatAMixerCannotDoIsRefusedSayingWhatWouldWork) {
  TrainConfig c = small(Algorithm::kQmix);
  c.reward_mode = RewardMode::kIndividual;
  EXPECT_NE(config_error([&] { validate_train_config(c); }).find("reward_mode = \"team\""), std::string::npos);
  c = small(Algorithm::kVdn);
  c.store_fraction = 0.5;
  EXPECT_NE(config_error([&] { validate_train_config(c); }).find("mixer_groups"), std::string::npos);
  c = small(Algorithm::kQmix);
  c.agents_per_team = kMaxTeamMixer + 1;
  c.map_size = 0;
  c.replay_capacity = 4 * (kMaxTeamMixer + 1);
  const std::string wide = config_error([&] { Trainer t(c, BackendKind::kCpu); });
  EXPECT_NE(wide.find("mixer_groups = \"tiles\""), std::string::npos) << wide;
  c.mixer_groups = MixerGroups::kTiles;
  c.store_fraction = 0.25;
  EXPECT_EQ(config_error([&] { Trainer t(c, BackendKind::kCpu); }), "") << "tiles mix any population";
  c = small(Algorithm::kQmix);
  c.replay_capacity = 11;
  EXPECT_NE(config_error([&] { Trainer t(c, BackendKind::kCpu); }).find("replay_capacity >= 12"), std::string::npos);
  c = small(Algorithm::kQmix);
  c.mixer_embed = 65;
  EXPECT_NE(config_error([&] { validate_train_config(c); }).find("mixer_embed"), std::string::npos);
}

}  // namespace
}  // namespace myriad
