// trainer_test.cpp: the MF-Q / IQL trainer: TD targets on hand-built cases, network-input assembly
// against the world's own accessors, a short CPU training run, checkpoint → restore, CUDA parity.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "cuda_test_fixture.hpp"
#include "myriad/trainer.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

TrainConfig small_config(const std::string& algorithm = "mfq") {
  TrainConfig c;
  c.algorithm = parse_algorithm(algorithm);
  c.agents_per_team = 16;
  c.map_size = 24;
  c.max_steps = 100;
  c.episodes = 3;
  c.batch = 64;
  c.seed = 5;
  c.replay_capacity = 8192;
  resolve_defaults(c, false);
  return c;
}

TEST(TdTargets, TerminalIgnoresTheNextValue) {
  TdParams p;
  p.n_actions = 3;
  const float q[3] = {NAN, 1e30f, -5.0f};
  EXPECT_EQ(td_target(p, 0.7f, 1.0f, q, q), 0.7f);
}

TEST(TdTargets, TruncationBootstrapsWithTheBoltzmannExpectation) {
  TdParams p;
  p.n_actions = 3;
  p.gamma = 0.9f;
  p.temperature = 0.5f;
  const float q[3] = {1.0f, 2.0f, 0.0f};
  double w[3], sum = 0, v = 0;
  for (int a = 0; a < 3; ++a) sum += w[a] = std::exp((q[a] - 2.0) / 0.5);
  for (int a = 0; a < 3; ++a) v += w[a] / sum * q[a];
  EXPECT_NEAR(td_next_value(p, q, nullptr), v, 1e-6);
  EXPECT_NEAR(td_target(p, -0.1f, 0.0f, q, nullptr), -0.1 + 0.9 * v, 1e-6);
  p.temperature = 1e-3f;  // cold: the max
  EXPECT_NEAR(td_next_value(p, q, nullptr), 2.0, 1e-6);
}

TEST(TdTargets, GreedyDoubleTakesTheTargetAtTheOnlineArgmax) {
  TdParams p;
  p.kind = TargetKind::kGreedyDouble;
  p.n_actions = 3;
  p.gamma = 0.5f;
  const float q_on[3] = {0.0f, 5.0f, 1.0f}, q_tgt[3] = {3.0f, 2.0f, 9.0f};
  EXPECT_FLOAT_EQ(td_target(p, 1.0f, 0.0f, q_tgt, q_on), 1.0f + 0.5f * 2.0f);
  // The same through the CPU ops, batched.
  auto ops = std::make_unique<TrainerOps>(test::cpu_backend());
  const float r[2] = {1.0f, 2.0f}, d[2] = {0.0f, 1.0f};
  const float qt[6] = {3, 2, 9, 3, 2, 9}, qo[6] = {0, 5, 1, 0, 5, 1};
  float y[2];
  ops->td_targets(p, 2, r, d, qt, qo, y);
  EXPECT_FLOAT_EQ(y[0], 2.0f);
  EXPECT_FLOAT_EQ(y[1], 2.0f);
}

void expect_inputs_match_world(const std::string& algorithm) {
  Trainer t(small_config(algorithm), BackendKind::kCpu);
  World& w = t.world();
  w.reset(11);
  for (int s = 0; s < 3; ++s) {  // a few steps so the mean action and rewards are not trivial
    w.act({PolicySpec{}, PolicySpec{}});
    w.step();
  }
  const std::vector<float> x = t.assemble_inputs_host();
  const int64_t X = t.input_width();
  const int K = w.groups().type[0].n_actions();
  for (int64_t r : {int64_t{0}, int64_t{5}, int64_t{15}}) {
    const int64_t id = w.groups().begin[0] + r;
    std::vector<float> want = w.observation(id);
    const std::vector<float> f = w.features(id), m = w.mean_action(id);
    want.insert(want.end(), f.begin(), f.end());
    for (int k = 0; k < K; ++k) want.push_back(algorithm == "mfq" ? m[static_cast<size_t>(k)] : 0.0f);
    ASSERT_EQ(static_cast<int64_t>(want.size()), X);
    for (int64_t c = 0; c < X; ++c) ASSERT_EQ(x[static_cast<size_t>(r * X + c)], want[static_cast<size_t>(c)]) << r << " " << c;
  }
}

TEST(NetInput, MfqRowsAreObservationFeaturesAndMeanAction) { expect_inputs_match_world("mfq"); }
TEST(NetInput, IqlRowsCarryNoMeanAction) { expect_inputs_match_world("iql"); }

TEST(Trainer, ShortCpuRunLossFallsAndQStaysFinite) {
  Trainer t(small_config(), BackendKind::kCpu);
  for (int e = 0; e < 3; ++e) {
    const EpisodeMetrics m = t.run_episode();
    EXPECT_EQ(m.episode, e);
    EXPECT_TRUE(std::isfinite(m.mean_q));
  }
  const std::vector<float>& l = t.update_losses();
  ASSERT_GE(l.size(), 40u);
  for (float v : l) ASSERT_TRUE(std::isfinite(v));
  const double first = std::accumulate(l.begin(), l.begin() + 10, 0.0) / 10;
  const double last = std::accumulate(l.end() - 10, l.end(), 0.0) / 10;
  EXPECT_LT(last, first) << "first 10 updates " << first << ", last 10 " << last;
  for (float p : t.network().params()) ASSERT_TRUE(std::isfinite(p));
  const std::vector<float> q = t.network().forward_host(t.assemble_inputs_host(), 16);
  for (float v : q) ASSERT_TRUE(std::isfinite(v));
}

TEST(Trainer, CheckpointRestoreGivesTheSameNetworksAndContinuesTheCounter) {
  const TrainConfig c = small_config();
  Trainer a(c, BackendKind::kCpu);
  a.run_episode();
  a.run_episode();
  const std::string path = (std::filesystem::temp_directory_path() / ("myriad_trainer_ckpt_" + std::to_string(::getpid()) + ".bin")).string();
  write_checkpoint(path, a.checkpoint());
  const Checkpoint ck = read_checkpoint(path);
  std::filesystem::remove(path);
  EXPECT_EQ(ck.header.episode, 2);
  Trainer b(c, BackendKind::kCpu);
  b.restore(ck);
  EXPECT_EQ(b.network().params(), a.network().params());
  EXPECT_EQ(b.network().params(), ck.get_floats("red.online"));
  EXPECT_EQ(b.target_network().params(), a.target_network().params());
  EXPECT_EQ(b.network().adam_m(), a.network().adam_m());
  EXPECT_EQ(b.network().step(), a.network().step());
  EXPECT_EQ(b.episode(), 2);
  EXPECT_EQ(b.env_steps(), a.env_steps());
  const EpisodeMetrics m = b.run_episode();
  EXPECT_EQ(m.episode, 2);
  EXPECT_EQ(b.episode(), 3);
}

TEST(Trainer, RestoreRejectsAnotherShape) {
  Trainer a(small_config(), BackendKind::kCpu);
  TrainConfig other = small_config();
  other.hidden = {32};
  Trainer b(other, BackendKind::kCpu);
  EXPECT_THROW(b.restore(a.checkpoint()), std::runtime_error);
}

// init_from: a network trained at one population starts a run at another (same game, algorithm and
// shape), online and target alike, with Adam and the counters fresh; another shape or algorithm is
// refused saying what differs.
TEST(Trainer, InitFromStartsALargerPopulationFromTheNetwork) {
  Trainer a(small_config(), BackendKind::kCpu);
  a.run_episode();
  const std::string path = (std::filesystem::temp_directory_path() / ("myriad_init_from_" + std::to_string(::getpid()) + ".bin")).string();
  write_checkpoint(path, a.checkpoint());
  TrainConfig big = small_config();
  big.agents_per_team = 40;
  big.map_size = 36;
  big.init_from = path;
  Trainer b(big, BackendKind::kCpu);
  EXPECT_EQ(b.network().params(), a.network().params());
  EXPECT_EQ(b.target_network().params(), a.network().params());
  EXPECT_NE(b.network().params(), Trainer(small_config(), BackendKind::kCpu).network().params());
  EXPECT_EQ(b.episode(), 0);
  EXPECT_EQ(b.network().step(), 0);
  b.run_episode();  // it trains from there

  TrainConfig wider = big;
  wider.hidden = {32};
  try {
    Trainer c(wider, BackendKind::kCpu);
    ADD_FAILURE() << "a checkpoint of another shape was taken";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("hidden [32]"), std::string::npos) << e.what();
  }
  TrainConfig iql = big;
  iql.algorithm = Algorithm::kIql;
  try {
    Trainer c(iql, BackendKind::kCpu);
    ADD_FAILURE() << "an mfq checkpoint started an iql run";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("algorithm = \"mfq\""), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(TrainConfigParse, BadValuesAndUnknownKeysThrow) {
  TrainConfig c;
  EXPECT_THROW(apply_override(c, "bogus=1"), ConfigError);
  EXPECT_THROW(apply_override(c, "episodes=ten"), ConfigError);
  EXPECT_THROW(apply_toml(c, "gamma = [1]", "x.toml"), ConfigError);
  EXPECT_THROW(apply_toml(c, "gamma = ", "x.toml"), ConfigError);
  apply_override(c, "algorithm=iql");
  EXPECT_EQ(c.algorithm, Algorithm::kIql);
  apply_override(c, "gamma=2");
  resolve_defaults(c, false);
  EXPECT_THROW(validate_train_config(c), ConfigError);
  // Names of categories are refused when parsed, with the valid ones listed; ranges when validated.
  for (const char* bad : {"obs_dtype=f16", "network_math=fp16", "algorithm=dqn", "opponent=human", "target=max"}) {
    TrainConfig d;
    try {
      apply_override(d, bad);
      ADD_FAILURE() << bad << " was taken";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("valid"), std::string::npos) << e.what();
    }
  }
  TrainConfig d;
  apply_override(d, "store_chunk=0");
  resolve_defaults(d, false);
  EXPECT_THROW(validate_train_config(d), ConfigError);
  TrainConfig e;
  apply_override(e, "network_math=fp32");
  apply_override(e, "obs_dtype=f32");
  resolve_defaults(e, true);
  EXPECT_EQ(e.network_math, NetMath::kFp32) << "an explicit value survives the GPU defaults";
  EXPECT_EQ(e.obs_dtype, ObsDtype::kF32);
}

// The ConfigError a config text (read as x.toml) is refused with; a failure when it is taken.
std::string toml_refusal(const char* text) {
  TrainConfig c;
  try {
    apply_toml(c, text, "x.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << text << " was taken";
  return "";
}

// Texts on which Debian's toml++ 3.3 breaks its own assumptions (found by fuzz_train_config) are
// refused before it reads them, with the line and what a training config takes instead.
TEST(TrainConfigParse, TextsTomlppCannotReadAreRefusedFirst) {
  const std::pair<const char*, const char*> cases[] = {
      {"q=[}", "1: an inline table"},
      {"episodes = 3\nhidden = [64,\n}", "3: an inline table"},
      {"q={a=[}]}", "1: an inline table"},
      {"[=1", "1: a table header"},
  };
  for (const auto& [text, what] : cases) {
    const std::string w = toml_refusal(text);
    EXPECT_NE(w.find(std::string("x.toml:") + what), std::string::npos) << w;
  }
  TrainConfig c;
  apply_toml(c, "hidden = [64, 32] # {a comment}\nalgorithm = \"mfac\" # '}'\nopponent_checkpoint = '{a}.bin'",
             "x.toml");
  EXPECT_EQ(c.algorithm, Algorithm::kMfac) << "braces in comments and strings are text";
  EXPECT_EQ(c.opponent_checkpoint, "{a}.bin") << "braces in comments and strings are text";
}

// A category's value with control bytes (a TOML multi-line string, an escape) is quoted back with
// them as \xNN, so the refusal stays one line (found by fuzz_train_config).
TEST(TrainConfigParse, RefusedValuesWithControlBytesStayOneLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"opponent = \"\"\"froz\nen\"\"\"", "opponent: 'froz\\x0aen'; valid:"},
      {"exploration = \"eps\\nilon\"", "exploration: 'eps\\x0ailon'; valid:"},
      {"algorithm = \"mf\\tq\"", "algorithm: 'mf\\x09q'; valid:"},
      {"network_math = \"tf\\r32\"", "'tf\\x0d32'"},
  };
  for (const auto& [text, what] : cases) {
    const std::string w = toml_refusal(text);
    EXPECT_EQ(w.find_first_of("\n\r\t"), std::string::npos) << w;
    EXPECT_NE(w.find(what), std::string::npos) << w;
  }
}

TEST(TrainConfigParse, DefaultsSuitTheBackend) {
  TrainConfig cpu, gpu;
  resolve_defaults(cpu, false);
  resolve_defaults(gpu, true);
  EXPECT_EQ(cpu.agents_per_team, 64);
  EXPECT_EQ(cpu.map_size, 40);
  EXPECT_EQ(cpu.store_fraction, 0.5);
  EXPECT_EQ(cpu.anneal_episodes, cpu.episodes / 2);
  EXPECT_EQ(cpu.obs_dtype, ObsDtype::kF32);
  EXPECT_EQ(gpu.obs_dtype, ObsDtype::kBf16) << "half the world's bytes per agent on the device";
  EXPECT_EQ(cpu.network_math, NetMath::kFp32);
  EXPECT_EQ(gpu.network_math, NetMath::kTf32);
  EXPECT_GE(2 * gpu.agents_per_team, 200000) << "the GPU main job trains hundreds of thousands of agents";
  EXPECT_EQ(gpu.map_size, static_cast<int64_t>(std::ceil(5 * std::sqrt(static_cast<double>(gpu.agents_per_team)))));
  // Replay ratio 1 on the GPU: samples trained per step = transitions stored per step.
  EXPECT_DOUBLE_EQ(static_cast<double>(gpu.batch * gpu.updates_per_step) / static_cast<double>(gpu.update_every),
                   static_cast<double>(gpu.agents_per_team) * gpu.store_fraction);
  TrainConfig set;
  apply_override(set, "store_fraction=0.25");
  resolve_defaults(set, true);
  EXPECT_EQ(set.store_fraction, 0.25) << "an explicit value survives";
  validate_train_config(gpu);
  EXPECT_EQ(cpu.max_steps, 400);
  EXPECT_EQ(cpu.episodes, 300);
  // The battle rules on battlefield's map keep battle's episode; the other games their own, at most 500.
  TrainConfig field, pursuit, tiger;
  field.scenario = Scenario::kBattlefield;
  pursuit.scenario = Scenario::kAdversarialPursuit;
  tiger.scenario = Scenario::kTigerDeer;
  for (TrainConfig* c : {&field, &pursuit, &tiger}) resolve_defaults(*c, false);
  EXPECT_EQ(field.max_steps, 400);
  EXPECT_EQ(field.episodes, 300);
  EXPECT_EQ(field.agents_per_team, 0) << "battlefield's own population";
  EXPECT_EQ(pursuit.max_steps, 500);
  EXPECT_EQ(pursuit.episodes, 100);
  EXPECT_EQ(tiger.max_steps, 300) << "tiger_deer's own 300 steps";
}

TEST(TrainConfigParse, ResolvedTomlReadsBack) {
  TrainConfig c;
  apply_override(c, "hidden=[32, 16]");
  apply_override(c, "lr=3e-4");
  resolve_defaults(c, false);
  TrainConfig d;
  apply_toml(d, to_toml(c), "round-trip");
  EXPECT_EQ(to_toml(d), to_toml(c));
  EXPECT_EQ(d.hidden, (std::vector<int64_t>{32, 16}));
  EXPECT_EQ(d.lr, 3e-4);
}

class TrainerCudaTest : public CudaTest {};

TEST_F(TrainerCudaTest, CudaInputsMatchCpuAndTrainingStaysFinite) {
  Trainer cpu(small_config(), BackendKind::kCpu), gpu(small_config(), BackendKind::kCuda);
  cpu.world().reset(3);
  gpu.world().reset(3);
  EXPECT_EQ(cpu.assemble_inputs_host(), gpu.assemble_inputs_host());
  const EpisodeMetrics m = gpu.run_episode();
  EXPECT_GT(m.updates, 0);
  EXPECT_TRUE(std::isfinite(m.loss));
  EXPECT_TRUE(std::isfinite(m.mean_q));
}

}  // namespace
}  // namespace myriad
