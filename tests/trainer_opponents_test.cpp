// trainer_opponents_test.cpp: the trainer's opponents (frozen checkpoint, both_learn, selfplay_lagged),
// side swapping, hard target copies, the device-side transition compaction and mean-Q reduction (CPU
// against hand-built cases; CUDA against the CPU), and the memory check's message.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cuda_test_fixture.hpp"
#include "myriad/trainer.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

TrainConfig tiny(const std::string& opponent = "random") {
  TrainConfig c;
  c.agents_per_team = 12;
  c.map_size = 24;
  c.max_steps = 40;
  c.episodes = 2;
  c.batch = 32;
  c.hidden = {32};
  c.opponent = parse_opponent(opponent);
  c.seed = 9;
  c.replay_capacity = 4096;  // the CPU default (100k transitions, 373 MB) only slows tests down
  resolve_defaults(c, false);
  return c;
}

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".bin")).string();
}

TEST(TrainerSides, LearnerAlternatesSidesUnlessTurnedOff) {
  Trainer t(tiny(), BackendKind::kCpu);
  EXPECT_EQ(t.run_episode().learner_group, 0);
  EXPECT_EQ(t.run_episode().learner_group, 1);
  TrainConfig c = tiny();
  c.swap_sides = false;
  Trainer u(c, BackendKind::kCpu);
  EXPECT_EQ(u.run_episode().learner_group, 0);
  EXPECT_EQ(u.run_episode().learner_group, 0);
}

TEST(TrainerOpponents, FrozenOpponentPlaysTheCheckpointsNetwork) {
  Trainer a(tiny(), BackendKind::kCpu);
  a.run_episode();
  const std::string path = temp_file("myriad_frozen_");
  write_checkpoint(path, a.checkpoint());
  TrainConfig c = tiny("frozen");
  c.opponent_checkpoint = path;
  Trainer b(c, BackendKind::kCpu);
  ASSERT_NE(b.opponent_network(), nullptr);
  EXPECT_EQ(b.opponent_network()->params(), a.network().params());
  const std::vector<float> before = b.opponent_network()->params();
  b.run_episode();
  EXPECT_EQ(b.opponent_network()->params(), before) << "a frozen opponent must not learn";
  EXPECT_NE(b.network().params(), a.network().params());
  std::filesystem::remove(path);
}

TEST(TrainerOpponents, FrozenOpponentRejectsAMissingOrUnsuitableCheckpoint) {
  TrainConfig c = tiny("frozen");
  c.opponent_checkpoint = "/nonexistent/ckpt.bin";
  EXPECT_THROW(Trainer(c, BackendKind::kCpu), ConfigError);
  TrainConfig other = tiny();
  other.hidden = {16, 8};
  Trainer a(other, BackendKind::kCpu);
  const std::string path = temp_file("myriad_frozen_shape_");
  write_checkpoint(path, a.checkpoint());
  c.opponent_checkpoint = path;
  try {
    Trainer b(c, BackendKind::kCpu);
    ADD_FAILURE() << "a network of another shape was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("parameters"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
  TrainConfig none = tiny("frozen");
  EXPECT_THROW(validate_train_config(none), ConfigError);  // no opponent_checkpoint
}

TEST(TrainerOpponents, BothLearnTrainsTwoNetworksAndCheckpointsBoth) {
  Trainer t(tiny("both_learn"), BackendKind::kCpu);
  ASSERT_EQ(t.n_learners(), 2);
  const std::vector<float> red0 = t.network(0).params(), blue0 = t.network(1).params();
  EXPECT_NE(red0, blue0) << "the two learners start from their own seeds";
  t.run_episode();
  EXPECT_NE(t.network(0).params(), red0);
  EXPECT_NE(t.network(1).params(), blue0);
  EXPECT_GT(t.replay(1).size(), 0);
  const Checkpoint ck = t.checkpoint();
  EXPECT_EQ(ck.get_floats("blue.online"), t.network(1).params());
  Trainer u(tiny("both_learn"), BackendKind::kCpu);
  u.restore(ck);
  EXPECT_EQ(u.network(1).params(), t.network(1).params());
  EXPECT_EQ(u.network(1).adam_m(), t.network(1).adam_m());
}

TEST(TrainerOpponents, SelfplayLaggedMovesTowardTheLearnerOnlyAfterAWin) {
  TrainConfig c = tiny("selfplay_lagged");
  c.max_steps = 150;  // long enough for fights: with seed 9, episode 4 is a win, the others are not
  c.episodes = 6;
  c.anneal_episodes = 3;
  Trainer t(c, BackendKind::kCpu);
  ASSERT_NE(t.opponent_network(), nullptr);
  EXPECT_EQ(t.opponent_network()->params(), t.network().params()) << "starts as a copy of the learner";
  bool saw_win = false, saw_other = false;
  for (int e = 0; e < 6 && !(saw_win && saw_other); ++e) {
    const std::vector<float> opp = t.opponent_network()->params();
    const EpisodeMetrics m = t.run_episode();
    const std::vector<float> learner = t.network().params(), after = t.opponent_network()->params();
    if (m.outcome() > 0) {
      saw_win = true;
      for (size_t k = 0; k < opp.size(); k += 97)
        ASSERT_NEAR(after[k], 0.99f * learner[k] + 0.01f * opp[k], 1e-6f) << k;
    } else {
      saw_other = true;
      EXPECT_EQ(after, opp) << "episode " << e << " was not won: the opponent must not move";
    }
  }
  EXPECT_TRUE(saw_win) << "no episode was won: the update after a win went untested";
  EXPECT_TRUE(saw_other);
}

TEST(TrainerTarget, HardCopyEveryUpdateMakesTheTargetTheOnlineNetwork) {
  TrainConfig c = tiny();
  c.target_copy_every = 1;
  Trainer t(c, BackendKind::kCpu);
  t.run_episode();
  ASSERT_GT(t.updates(), 0);
  EXPECT_EQ(t.target_network().params(), t.network().params());
  c.target_copy_every = 1000000;  // never reached: the target keeps its initial copy
  Trainer u(c, BackendKind::kCpu);
  const std::vector<float> init = u.target_network().params();
  u.run_episode();
  ASSERT_GT(u.updates(), 0);
  EXPECT_EQ(u.target_network().params(), init);
  EXPECT_NE(u.network().params(), init);
}

TEST(TrainerMemory, AReplayThatCannotFitFailsAtStartSayingWhatFits) {
  TrainConfig c = tiny();
  c.replay_capacity = (int64_t{1} << 32) - 1;  // ~16 TB of transitions
  try {
    Trainer t(c, BackendKind::kCpu);
    ADD_FAILURE() << "a 16 TB replay was accepted";
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("replay_capacity <= "), std::string::npos) << m;
    EXPECT_NE(m.find("available"), std::string::npos) << m;
  }
}

TEST(TrainStep, PhaseTimesCoverTheStepAndEpisodesEnd) {
  Trainer t(tiny(), BackendKind::kCpu);
  t.set_phase_timing(true);
  int ended = 0;
  for (int s = 0; s < 45; ++s) ended += t.train_step() ? 1 : 0;
  EXPECT_EQ(ended, 1);  // 40-step episodes
  EXPECT_EQ(t.last_episode().steps, 40);
  const TrainStepTimes& tt = t.last_step_times();
  EXPECT_GT(tt.ms[static_cast<int>(TrainPhase::kForward)], 0.0);
  EXPECT_GT(tt.ms[static_cast<int>(TrainPhase::kRules)], 0.0);
  EXPECT_GT(tt.ms[static_cast<int>(TrainPhase::kObserve)], 0.0);
  EXPECT_STREQ(train_phase_name(TrainPhase::kMeanAction), "mean_action");
}

// Hand-built slices: rows 0..5 with alive/died patterns; fraction 1 keeps every row alive at t.
TEST(CompactTransitions, KeepsAgentsAliveAtTheStartInRowOrderWithDoneFlags) {
  auto ops = std::make_unique<TrainerOps>(test::cpu_backend());
  const uint8_t alive[6] = {1, 0, 0, 1, 0, 1}, died[6] = {0, 1, 0, 0, 0, 0}, action[6] = {3, 4, 5, 6, 7, 8};
  const float reward[6] = {0.5f, -0.1f, 9, 0.2f, 9, -0.005f};
  int64_t idx[6];
  float r[6];
  uint8_t a[6], d[6];
  KeepParams p;
  p.fraction = 1.0f;
  ASSERT_EQ(ops->compact_transitions(p, alive, died, reward, action, 6, 100, idx, r, a, d), 4);
  const int64_t want[4] = {0, 1, 3, 5};
  for (int j = 0; j < 4; ++j) {
    EXPECT_EQ(idx[j], want[j]);
    EXPECT_EQ(r[j], reward[want[j]]);
    EXPECT_EQ(a[j], action[want[j]]);
    EXPECT_EQ(d[j], want[j] == 1 ? 1 : 0) << "only the agent that died is terminal";
  }
  p.terminal = true;  // the team was eliminated: every kept transition is terminal
  ops->compact_transitions(p, alive, died, reward, action, 6, 100, idx, r, a, d);
  for (int j = 0; j < 4; ++j) EXPECT_EQ(d[j], 1);
  p.terminal = false;
  p.fraction = 0.5f;
  p.seed = 77;
  p.step = 12;
  const int64_t m = ops->compact_transitions(p, alive, died, reward, action, 6, 100, idx, r, a, d);
  int64_t j = 0;
  for (int64_t row = 0; row < 6; ++row)
    if ((alive[row] || died[row]) && keep_transition(77, 12, static_cast<uint32_t>(100 + row), 0.5f)) {
      ASSERT_LT(j, m);
      EXPECT_EQ(idx[j++], row);
    }
  EXPECT_EQ(j, m);
}

// The trainer chooses the kept set before the step and reads the fields after it: gathering the
// fields for a compacted idx gives what compacting again gives.
TEST(CompactTransitions, GatheredFieldsMatchACompaction) {
  auto ops = std::make_unique<TrainerOps>(test::cpu_backend());
  const uint8_t alive[6] = {1, 0, 0, 1, 0, 1}, died[6] = {0, 1, 0, 0, 0, 0}, action[6] = {3, 4, 5, 6, 7, 8};
  const float reward[6] = {0.5f, -0.1f, 9, 0.2f, 9, -0.005f};
  int64_t idx[6];
  float r[6], gr[6];
  uint8_t a[6], d[6], ga[6], gd[6];
  KeepParams p;
  p.fraction = 1.0f;
  for (bool terminal : {false, true}) {
    p.terminal = terminal;
    const int64_t m = ops->compact_transitions(p, alive, died, reward, action, 6, 100, idx, r, a, d);
    ASSERT_EQ(m, 4);
    ops->gather_transition_fields(p, alive, died, reward, action, idx, m, gr, ga, gd);
    for (int64_t j = 0; j < m; ++j) {
      EXPECT_EQ(gr[j], r[j]);
      EXPECT_EQ(ga[j], a[j]);
      EXPECT_EQ(gd[j], d[j]) << "terminal " << terminal;
    }
  }
}

TEST(MeanMaxQ, AveragesTheRowMaximaOfAliveAgents) {
  auto ops = std::make_unique<TrainerOps>(test::cpu_backend());
  const float q[9] = {1, 5, 2, -3, -1, -2, 100, 0, 0};
  const uint8_t alive[3] = {1, 1, 0};
  EXPECT_DOUBLE_EQ(ops->mean_max_q(q, 3, alive, 3), (5.0 - 1.0) / 2);
  const uint8_t none[3] = {0, 0, 0};
  EXPECT_DOUBLE_EQ(ops->mean_max_q(q, 3, none, 3), 0.0);
}

class TrainerOpsCudaTest : public CudaTest {};

TEST_F(TrainerOpsCudaTest, CompactionAndMeanQMatchTheCpu) {
  auto cpu = std::make_unique<TrainerOps>(test::cpu_backend());
  auto gpu = std::make_unique<TrainerOps>(test::cuda_backend());
  const int64_t n = 5000;
  std::vector<uint8_t> alive(n), died(n), action(n);
  std::vector<float> reward(n), q(n * 4);
  for (int64_t i = 0; i < n; ++i) {
    alive[i] = i % 7 != 0;
    died[i] = i % 7 == 0 && i % 2 == 0;
    action[i] = static_cast<uint8_t>(i % 21);
    reward[i] = static_cast<float>(i % 13) * 0.25f;
    for (int k = 0; k < 4; ++k) q[i * 4 + k] = static_cast<float>((i * 31 + k * 7) % 17) * 0.5f;
  }
  auto up = [&](const void* h, size_t bytes) {
    void* d = gpu->alloc_bytes(bytes);
    gpu->from_host(d, h, bytes);
    return d;
  };
  auto* d_alive = static_cast<uint8_t*>(up(alive.data(), n));
  auto* d_died = static_cast<uint8_t*>(up(died.data(), n));
  auto* d_action = static_cast<uint8_t*>(up(action.data(), n));
  auto* d_reward = static_cast<float*>(up(reward.data(), n * sizeof(float)));
  auto* d_q = static_cast<float*>(up(q.data(), q.size() * sizeof(float)));
  KeepParams p;
  p.seed = 3;
  p.step = 41;
  p.fraction = 0.3f;
  std::vector<int64_t> idx(n), gidx(n);
  std::vector<float> r(n), gr(n);
  std::vector<uint8_t> a(n), d(n), ga(n), gd(n);
  const int64_t m = cpu->compact_transitions(p, alive.data(), died.data(), reward.data(), action.data(), n, 10,
                                             idx.data(), r.data(), a.data(), d.data());
  auto* o_idx = gpu->alloc<int64_t>(n);
  auto* o_r = gpu->alloc<float>(n);
  auto* o_a = gpu->alloc<uint8_t>(n);
  auto* o_d = gpu->alloc<uint8_t>(n);
  ASSERT_EQ(gpu->compact_transitions(p, d_alive, d_died, d_reward, d_action, n, 10, o_idx, o_r, o_a, o_d), m);
  gpu->to_host(gidx.data(), o_idx, m * sizeof(int64_t));
  gpu->to_host(gr.data(), o_r, m * sizeof(float));
  gpu->to_host(ga.data(), o_a, m);
  gpu->to_host(gd.data(), o_d, m);
  for (int64_t j = 0; j < m; ++j) {
    ASSERT_EQ(gidx[j], idx[j]) << j;
    ASSERT_EQ(gr[j], r[j]) << j;
    ASSERT_EQ(ga[j], a[j]) << j;
    ASSERT_EQ(gd[j], d[j]) << j;
  }
  p.terminal = true;  // the fields of the compacted rows, gathered on the device
  gpu->gather_transition_fields(p, d_alive, d_died, d_reward, d_action, o_idx, m, o_r, o_a, o_d);
  gpu->to_host(gd.data(), o_d, m);
  gpu->to_host(gr.data(), o_r, m * sizeof(float));
  for (int64_t j = 0; j < m; ++j) {
    ASSERT_EQ(gd[j], 1) << j;
    ASSERT_EQ(gr[j], r[j]) << j;
  }
  EXPECT_NEAR(gpu->mean_max_q(d_q, 4, d_alive, n), cpu->mean_max_q(q.data(), 4, alive.data(), n), 1e-9);
}

}  // namespace
}  // namespace myriad
