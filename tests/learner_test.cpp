// learner_test.cpp: the learner plug-ins through the trainer: MF-AC and AC train (finite losses, the
// actor reads no ā, its entropy starts near uniform), their checkpoints round-trip and start other runs,
// their actors play (sampling and greedy) in eval and as opponents; every game's groups are played by a
// learner, a world policy, a network or nobody (pursuit's predators or prey, gather's omnivores,
// combined_arms' four groups with a learner per unit type); refusals of what a game cannot do.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "cuda_test_fixture.hpp"
#include "learners/learner_impl.hpp"
#include "myriad/checkpoint_learners.hpp"
#include "myriad/evaluate.hpp"
#include "myriad/games/game.hpp"
#include "myriad/players.hpp"
#include "myriad/rng.hpp"
#include "myriad/rules/curriculum.hpp"
#include "myriad/trainer.hpp"

namespace myriad {
namespace {

TrainConfig small(Algorithm a, Opponent o = Opponent::kRandom) {
  TrainConfig c;
  c.algorithm = a;
  c.agents_per_team = 12;
  c.map_size = 24;
  c.max_steps = 40;
  c.episodes = 4;
  c.batch = 32;
  c.hidden = {32};
  c.opponent = o;
  c.seed = 13;
  c.replay_capacity = 4096;
  resolve_defaults(c, false);
  return c;
}

std::vector<uint8_t> actions_of(World& w, int g) {
  std::vector<uint8_t> a(static_cast<size_t>(w.groups().count(g)));
  w.synchronize();
  w.backend().to_host(a.data(), w.group_buffers(g).action, a.size());
  return a;
}

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".bin")).string();
}

TEST(ActorCritic, MfacAndAcTrainWithFiniteLossesAndAnActorWithoutMeanAction) {
  for (Algorithm a : {Algorithm::kMfac, Algorithm::kAc}) {
    Trainer t(small(a), BackendKind::kCpu);
    const auto& ac = dynamic_cast<ActorCriticLearner&>(t.learner());
    const World& w = t.world();
    const int64_t V = w.obs_layout(0).obs_stride(), F = w.obs_layout(0).n_features, K = 21;
    EXPECT_EQ(const_cast<ActorCriticLearner&>(ac).actor().shape().inputs, V + F) << "π(a|o) reads no ā";
    EXPECT_EQ(const_cast<ActorCriticLearner&>(ac).critic().shape().inputs, V + F + K);
    EpisodeMetrics m;
    int64_t updates = 0;
    for (int e = 0; e < 3; ++e) {
      m = t.run_episode();
      updates += m.updates;
      if (m.updates == 0) continue;
      EXPECT_TRUE(std::isfinite(m.loss)) << algorithm_name(a);
      EXPECT_TRUE(std::isfinite(m.actor_loss));
      EXPECT_GT(m.entropy, 0.0);
      EXPECT_LE(m.entropy, std::log(21.0) + 1e-4);
      EXPECT_TRUE(std::isnan(m.mean_q)) << "mean Q is a Q-learner's metric";
    }
    EXPECT_GT(updates, 10);
    // The actor starts near the uniform policy (its output layer scaled down).
    Trainer fresh(small(a), BackendKind::kCpu);
    fresh.world().reset(1);
    const std::vector<float> logits = [&] {
      TrainerOps ops(fresh.world().backend());
      TeamPolicy team(fresh.world(), ops, 0);
      team.forward(fresh.network(), InputMode::kNoMean);
      return std::vector<float>(team.q(), team.q() + 21);
    }();
    for (float z : logits) EXPECT_LT(std::fabs(z), 0.5f);
  }
}

TEST(ActorCritic, SampledActorGradientTrainsToo) {
  TrainConfig c = small(Algorithm::kMfac);
  c.actor_gradient = ActorGradient::kSampled;
  Trainer t(c, BackendKind::kCpu);
  for (int e = 0; e < 2; ++e) t.run_episode();
  const EpisodeMetrics m = t.run_episode();
  EXPECT_GT(m.updates, 0);
  EXPECT_TRUE(std::isfinite(m.actor_loss));
}

TEST(ActorCritic, CheckpointCarriesActorAndCriticAndRestores) {
  const TrainConfig c = small(Algorithm::kMfac);
  Trainer a(c, BackendKind::kCpu);
  a.run_episode();
  a.run_episode();
  const Checkpoint ck = a.checkpoint();
  for (const char* s : {"red.actor", "red.actor_target", "red.critic", "red.critic_target", "red.actor.adam_m",
                        "red.critic.adam_v", "red.actor.adam_step", "red.shape", "rng.red.replay"})
    EXPECT_TRUE(ck.has(s)) << s;
  EXPECT_EQ(ck.header.algorithm, "mfac");
  const std::vector<CheckpointLearner> l = checkpoint_learners(ck);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].prefix, "red");
  EXPECT_EQ(l[0].shape.front(), a.network().shape().inputs) << "the header names the actor's shape";
  Trainer b(c, BackendKind::kCpu);
  b.restore(ck);
  auto& x = dynamic_cast<ActorCriticLearner&>(a.learner());
  auto& y = dynamic_cast<ActorCriticLearner&>(b.learner());
  EXPECT_EQ(y.actor().params(), x.actor().params());
  EXPECT_EQ(y.critic().params(), x.critic().params());
  EXPECT_EQ(y.actor_target().params(), x.actor_target().params());
  EXPECT_EQ(y.critic_target().params(), x.critic_target().params());
  EXPECT_EQ(y.critic().adam_m(), x.critic().adam_m());
  EXPECT_EQ(y.actor().step(), x.actor().step());
  EXPECT_EQ(b.episode(), 2);
  TrainConfig q = c;
  q.algorithm = Algorithm::kMfq;
  q.target = TargetKind::kBoltzmann;
  Trainer other(q, BackendKind::kCpu);
  EXPECT_THROW(other.restore(ck), std::runtime_error) << "an mfac checkpoint does not resume an mfq run";
}

TEST(ActorCritic, InitFromStartsActorAndCriticAndTheLaggedCopy) {
  Trainer a(small(Algorithm::kAc), BackendKind::kCpu);
  a.run_episode();
  const std::string path = temp_file("myriad_ac_init_");
  write_checkpoint(path, a.checkpoint());
  TrainConfig c = small(Algorithm::kAc, Opponent::kSelfplayLagged);
  c.agents_per_team = 20;
  c.map_size = 30;
  c.init_from = path;
  Trainer b(c, BackendKind::kCpu);
  auto& x = dynamic_cast<ActorCriticLearner&>(a.learner());
  auto& y = dynamic_cast<ActorCriticLearner&>(b.learner());
  EXPECT_EQ(y.actor().params(), x.actor().params());
  EXPECT_EQ(y.critic().params(), x.critic().params());
  EXPECT_EQ(y.critic_target().params(), x.critic().params());
  ASSERT_NE(b.opponent_network(), nullptr);
  EXPECT_EQ(b.opponent_network()->params(), x.actor().params()) << "the lagged opponent is a copy of the actor";
  EXPECT_EQ(b.opponent_network()->shape().inputs, x.actor().shape().inputs);
  TrainConfig mfq = small(Algorithm::kMfq);
  mfq.init_from = path;
  try {
    Trainer d(mfq, BackendKind::kCpu);
    ADD_FAILURE() << "an ac checkpoint started an mfq run";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("algorithm = \"ac\""), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(ActorCritic, ActorsPlaySampledOrGreedyInEvalAndAsFrozenOpponents) {
  Trainer a(small(Algorithm::kMfac), BackendKind::kCpu);
  a.run_episode();
  const std::string path = temp_file("myriad_ac_play_");
  write_checkpoint(path, a.checkpoint());
  EvalConfig e;
  e.a = path;
  e.b = "random";
  e.episodes = 2;
  e.backend = BackendKind::kCpu;
  e.placement = Placement::kRandom;
  const EvalResult sampled = evaluate(e);
  EXPECT_EQ(sampled.wins + sampled.draws + sampled.losses, 2);
  e.greedy_actor = true;
  const EvalResult g1 = evaluate(e), g2 = evaluate(e);
  EXPECT_EQ(g1.episodes[0].kills[0], g2.episodes[0].kills[0]) << "greedy play repeats itself";
  // A greedy actor's actions are π's argmax; a sampling one's follow π.
  auto world = make_world(BackendKind::kCpu, train_world_config(a.config()));
  world->reset(4);
  PlayerSpec greedy, sample;
  greedy.checkpoint = sample.checkpoint = path;
  greedy.greedy_actor = true;
  Players pg(*world, {greedy, PlayerSpec{}}), ps(*world, {sample, PlayerSpec{}});
  pg.observe();
  pg.act(0, 1);
  const std::vector<uint8_t> ag = actions_of(*world, 0);
  ps.act(0, 1);
  const std::vector<uint8_t> a1 = actions_of(*world, 0);
  ps.act(0, 2);
  const std::vector<uint8_t> a2 = actions_of(*world, 0);
  EXPECT_NE(a1, a2) << "other seeds, other samples (the policy starts near uniform)";
  EXPECT_NE(a1, ag);
  TrainConfig f = small(Algorithm::kMfac, Opponent::kFrozen);
  f.opponent_checkpoint = path;
  Trainer b(f, BackendKind::kCpu);
  ASSERT_NE(b.opponent_network(), nullptr);
  EXPECT_EQ(b.opponent_network()->params(), a.network().params());
  b.run_episode();
  std::filesystem::remove(path);
}

TEST(AnyGame, PursuitPredatorsOrPreyLearnAgainstTheOtherSidePlayingRandomly) {
  for (const char* who : {"predator", "prey"}) {
    TrainConfig c;
    c.scenario = Scenario::kAdversarialPursuit;
    c.map_size = 20;
    c.max_steps = 30;
    c.episodes = 2;
    c.batch = 32;
    c.hidden = {32};
    c.replay_capacity = 4096;
    c.learner = who;
    resolve_defaults(c, false);
    EXPECT_FALSE(*c.swap_sides) << "pursuit's sides differ: no swapping by default";
    Trainer t(c, BackendKind::kCpu);
    const int g = t.world().config().group_index(who);
    EXPECT_EQ(t.learner().home_group(), g);
    EXPECT_EQ(t.n_learners(), 1);
    const EpisodeMetrics m = t.run_episode();
    EXPECT_EQ(m.learner_group, g);
    EXPECT_EQ(m.learner_name, who);
    EXPECT_GT(t.replay().size(), 0);
    EXPECT_EQ(t.network().shape().outputs, t.world().groups().type[g].n_actions());
    EXPECT_EQ(m.survivors[0], t.world().groups().count(g)) << "nobody dies in pursuit";
  }
}

TEST(AnyGame, GatherOmnivoresLearnAndFoodIsPlayedByNobody) {
  TrainConfig c;
  c.scenario = Scenario::kGather;
  c.map_size = 64;
  c.max_steps = 20;
  c.episodes = 1;
  c.batch = 32;
  c.hidden = {32};
  c.replay_capacity = 4096;
  resolve_defaults(c, false);
  Trainer t(c, BackendKind::kCpu);
  EXPECT_EQ(t.learner().name(), "omnivore");
  const EpisodeMetrics m = t.run_episode();
  EXPECT_EQ(m.steps, 20);
  EXPECT_GT(t.replay().size(), 0);
}

TEST(AnyGame, CombinedArmsHasALearnerPerUnitTypeAndSwapsSides) {
  TrainConfig c;
  c.scenario = Scenario::kCombinedArms;
  c.max_steps = 12;
  c.episodes = 2;
  c.batch = 16;
  c.hidden = {16};
  c.replay_capacity = 2048;
  c.opponent = Opponent::kSelfplayLagged;
  resolve_defaults(c, false);
  EXPECT_TRUE(*c.swap_sides);
  Trainer t(c, BackendKind::kCpu);
  ASSERT_EQ(t.n_learners(), 2);
  EXPECT_EQ(t.learner(0).name(), "redmelee");
  EXPECT_EQ(t.learner(1).name(), "redranged");
  EXPECT_NE(t.network(0).shape().outputs, t.network(1).shape().outputs) << "melee and ranged act differently";
  ASSERT_NE(t.opponent_network(1), nullptr);
  EXPECT_EQ(t.opponent_network(1)->params(), t.network(1).params());
  EXPECT_EQ(t.run_episode().learner_group, 0);
  EXPECT_EQ(t.run_episode().learner_group, 2) << "the learners play blue's melee and ranged in odd episodes";
  const Checkpoint ck = t.checkpoint();
  EXPECT_TRUE(ck.has("redranged.online"));
  EXPECT_TRUE(ck.has("opponent1.online"));
  EXPECT_EQ(checkpoint_learners(ck).size(), 2u);
  // Each group of a world finds its network in the checkpoint by shape.
  const std::string path = temp_file("myriad_ca_play_");
  write_checkpoint(path, ck);
  auto world = make_world(BackendKind::kCpu, train_world_config(c));
  std::vector<PlayerSpec> specs(4);
  for (auto& s : specs) s.checkpoint = path;
  Players p(*world, specs);
  world->reset(2);
  p.observe();
  p.act(0);
  world->step();
  std::filesystem::remove(path);
}

TEST(AnyGame, WhatAGameCannotDoIsRefusedSayingWhatWouldWork) {
  TrainConfig c;
  c.scenario = Scenario::kAdversarialPursuit;
  c.map_size = 20;
  c.swap_sides = true;
  try {
    validate_train_config(c);
    ADD_FAILURE() << "swap_sides on pursuit was taken";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("swap_sides = false"), std::string::npos) << e.what();
  }
  c.swap_sides = std::nullopt;
  c.learner = "tiger";
  resolve_defaults(c, false);
  c.batch = 32;
  try {
    Trainer t(c, BackendKind::kCpu);
    ADD_FAILURE() << "a group pursuit does not have was taken";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("valid: predator, prey"), std::string::npos) << e.what();
  }
  c.learner = "";
  c.opponent = Opponent::kSelfplayLagged;
  try {
    Trainer t(c, BackendKind::kCpu);
    ADD_FAILURE() << "a lagged copy of the predators playing the prey was taken";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("random, scripted or both_learn"), std::string::npos) << e.what();
  }
  TrainConfig g;
  g.scenario = Scenario::kGather;
  g.opponent = Opponent::kBothLearn;
  resolve_defaults(g, false);
  EXPECT_THROW(Trainer(g, BackendKind::kCpu), ConfigError) << "gather's food cannot learn";
}

// The memory plan holds every learner's and game's allocations to the byte, before and after training.
TEST(AnyGame, MemoryPlanIsWhatEveryLearnerAllocates) {
  std::vector<TrainConfig> configs;
  for (Algorithm a : {Algorithm::kMfq, Algorithm::kMfac})
    for (Opponent o : {Opponent::kRandom, Opponent::kBothLearn, Opponent::kSelfplayLagged}) configs.push_back(small(a, o));
  TrainConfig pursuit;
  pursuit.scenario = Scenario::kAdversarialPursuit;
  pursuit.algorithm = Algorithm::kAc;
  pursuit.map_size = 20;
  pursuit.max_steps = 20;
  pursuit.batch = 16;
  pursuit.hidden = {16};
  pursuit.replay_capacity = 1024;
  pursuit.opponent = Opponent::kBothLearn;
  resolve_defaults(pursuit, false);
  configs.push_back(pursuit);
  for (const TrainConfig& c : configs) {
    Trainer t(c, BackendKind::kCpu);
    const TrainMemory& m = t.memory();
    const std::string what = std::string(scenario_name(c.scenario)) + " " + algorithm_name(c.algorithm) + " " +
                             opponent_name(c.opponent);
    EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << what;
    t.run_episode();
    EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << what << ": nothing is allocated lazily";
  }
}

class ActorCriticCudaTest : public CudaTest {};

// The actor-critic step on the device: the same world inputs as the CPU's, then training stays finite
// (the programs' losses are compared element by element in loss_test).
TEST_F(ActorCriticCudaTest, CudaTrainsMfacWithFiniteLosses) {
  TrainConfig c = small(Algorithm::kMfac);
  Trainer cpu(c, BackendKind::kCpu);
  resolve_defaults(c, true);
  c.obs_dtype = ObsDtype::kF32;
  c.network_math = NetMath::kFp32;
  c.batch = 32;
  c.agents_per_team = 12;
  c.map_size = 24;
  c.replay_capacity = 4096;
  c.store_fraction = 0.5;
  Trainer gpu(c, BackendKind::kCuda);
  cpu.world().reset(3);
  gpu.world().reset(3);
  EXPECT_EQ(cpu.assemble_inputs_host(), gpu.assemble_inputs_host());
  EpisodeMetrics m;
  for (int e = 0; e < 2; ++e) m = gpu.run_episode();
  EXPECT_GT(m.updates, 0);
  EXPECT_TRUE(std::isfinite(m.loss));
  EXPECT_TRUE(std::isfinite(m.actor_loss));
  EXPECT_GT(m.entropy, 0.0);
}

}  // namespace
}  // namespace myriad

namespace myriad {
namespace {

TEST(Curriculum, LearningSetGrowsLinearlyFromN0ToTheGroup) {
  EXPECT_EQ(learning_agents(100, 10, 0, 50), 10);
  EXPECT_EQ(learning_agents(100, 10, 25, 50), 55);
  EXPECT_EQ(learning_agents(100, 10, 49, 50), 10 + 90 * 49 / 50);
  EXPECT_EQ(learning_agents(100, 10, 50, 50), 100);
  EXPECT_EQ(learning_agents(100, 10, 500, 50), 100);
  EXPECT_EQ(learning_agents(8, 10, 0, 50), 8) << "n_0 above the group: everyone learns";
}

TEST(Curriculum, NonLearnersActAtRandomAndStayOutOfTheReplay) {
  TrainConfig c = small(Algorithm::kMfq);
  c.curriculum = Curriculum::kGrowLearners;
  c.grow_from = 3;
  c.grow_episodes = 2;
  c.store_fraction = 1.0;
  c.swap_sides = false;
  Trainer t(c, BackendKind::kCpu);
  const EpisodeMetrics m = t.run_episode();
  EXPECT_EQ(m.learning_agents, 3);
  // Every stored transition is one of the 3 learners': at most 3 a step.
  EXPECT_LE(t.replay().size(), 3 * m.steps);
  EXPECT_GE(t.replay().size(), 3 * m.steps / 2);
  EXPECT_EQ(t.run_episode().learning_agents, 3 + (12 - 3) * 1 / 2);
  EXPECT_EQ(t.run_episode().learning_agents, 12);
  // The other rows' actions are the curriculum's uniform draws.
  TrainConfig d = c;
  d.grow_episodes = 4;
  Trainer u(d, BackendKind::kCpu);
  u.train_step();
  World& w = u.world();
  std::vector<uint8_t> a(12);
  w.backend().to_host(a.data(), w.group_buffers(0).action, a.size());
  const int k = w.groups().type[0].n_actions();
  LearningSet set;  // the trainer's set of group 0 in episode 0
  set.size = 12;
  set.learners = 3;
  set.seed = seed_mix(d.seed, 5);
  set.episode = 0;
  int random_rows = 0;
  for (int r = 0; r < 12; ++r) {
    if (set.learns(r)) continue;
    ++random_rows;
    EXPECT_EQ(a[static_cast<size_t>(r)], curriculum_random_action(seed_mix(d.seed, 4), static_cast<uint32_t>(r), 0, k));
  }
  EXPECT_EQ(random_rows, 9);
  TrainConfig bad = c;
  bad.grow_from = 13;
  try {
    Trainer x(bad, BackendKind::kCpu);
    ADD_FAILURE() << "grow_from above the group was taken";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("grow_from = 1"), std::string::npos) << e.what();
  }
  TrainConfig late = c;
  late.grow_episodes = c.episodes + 1;
  EXPECT_THROW(validate_train_config(late), ConfigError) << "a schedule that ends past the last episode";
}

TEST(Curriculum, TheLearningSetIsAFreshRandomSubsetEachEpisode) {
  for (uint32_t n : {1u, 2u, 5u, 12u, 64u, 1000u, 4097u}) {
    std::vector<int> seen(n, 0);
    for (uint32_t r = 0; r < n; ++r) {
      const uint32_t rank = curriculum_rank(77, 3, r, n);
      ASSERT_LT(rank, n);
      ++seen[rank];
    }
    for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(seen[i], 1) << "rank " << i << " of " << n << " not hit once";
  }
  LearningSet s;
  s.size = 64;
  s.learners = 16;
  s.seed = 9;
  std::vector<int> first;
  int changed = 0, front = 0;
  for (uint32_t e = 0; e < 8; ++e) {
    s.episode = e;
    std::vector<int> rows;
    for (int r = 0; r < 64; ++r)
      if (s.learns(r)) rows.push_back(r);
    EXPECT_EQ(rows.size(), 16u);
    if (e == 0) first = rows;
    else if (rows != first) ++changed;
    for (int r : rows) front += r < 16;
  }
  EXPECT_EQ(changed, 7) << "every episode draws its own set";
  EXPECT_LT(front, 8 * 16 / 2) << "the set is not the group's first rows";
}

TEST(RewardMode, TeamModeStoresTheGroupsSummedReward) {
  KeepParams p;
  p.team = true;
  p.team_reward = -3.5f;
  const uint8_t alive[2] = {1, 0}, died[2] = {0, 1}, action[2] = {4, 7};
  const float reward[2] = {0.25f, -1.0f};
  float out_r[2];
  uint8_t out_a[2], out_d[2];
  for (int j = 0; j < 2; ++j) transition_fields(p, j, j, alive, died, reward, action, out_r, out_a, out_d);
  EXPECT_EQ(out_r[0], -3.5f);
  EXPECT_EQ(out_r[1], -3.5f);
  EXPECT_EQ(out_d[1], 1);
  p.team = false;
  transition_fields(p, 0, 0, alive, died, reward, action, out_r, out_a, out_d);
  EXPECT_EQ(out_r[0], 0.25f);
  TrainConfig c = small(Algorithm::kIql);
  c.reward_mode = RewardMode::kTeam;
  Trainer t(c, BackendKind::kCpu);
  for (int e = 0; e < 2; ++e) EXPECT_TRUE(std::isfinite(t.run_episode().loss) || e == 0);
}

}  // namespace
}  // namespace myriad
