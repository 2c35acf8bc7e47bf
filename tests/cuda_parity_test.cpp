// cuda_parity_test.cpp: the CUDA backend against the CPU reference from the same seed: state hash,
// observations, features, mean actions and stats after every step; Philox; the no-device error.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/bf16.hpp"
#include "myriad/games/game.hpp"
#include "myriad/rng.hpp"
#include "myriad/world.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

constexpr int kParitySteps = 50;
constexpr int64_t kSampleStride = 7;  // observations are compared for every 7th agent

template <typename T>
std::string value_text(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g (bits 0x%08x)", static_cast<double>(v), float_bits(v));
    return buf;
  } else {
    return std::to_string(+v);
  }
}

// "" when equal, else the first differing element of one field.
template <typename T>
std::string first_diff(const char* field, const std::vector<T>& cpu, const std::vector<T>& gpu) {
  if (cpu.size() != gpu.size())
    return std::string(field) + ": " + std::to_string(cpu.size()) + " values on cpu, " +
           std::to_string(gpu.size()) + " on cuda";
  for (size_t k = 0; k < cpu.size(); ++k)
    if (std::memcmp(&cpu[k], &gpu[k], sizeof(T)) != 0)
      return std::string(field) + "[" + std::to_string(k) + "]: cpu " + value_text(cpu[k]) + ", cuda " +
             value_text(gpu[k]);
  return "";
}

std::string first_difference(const HostState& c, const HostState& g) {
  const std::string diffs[] = {
      first_diff("x of agent", c.x, g.x),           first_diff("y of agent", c.y, g.y),
      first_diff("alive of agent", c.alive, g.alive), first_diff("died of agent", c.died, g.died),
      first_diff("hp of agent", c.hp, g.hp),        first_diff("reward of agent", c.reward, g.reward),
      first_diff("action of agent", c.action, g.action), first_diff("group of agent", c.group, g.group),
      first_diff("occ of cell", c.occ, g.occ)};
  for (const std::string& d : diffs)
    if (!d.empty()) return d;
  return "the hashes differ but no field does";
}

void expect_stats_equal(const StepStats& c, const StepStats& g, int64_t t) {
  EXPECT_EQ(c.step, g.step) << "step " << t;
  EXPECT_EQ(c.n_groups, g.n_groups) << "step " << t;
  EXPECT_EQ(c.done, g.done) << "step " << t;
  EXPECT_EQ(c.truncated, g.truncated) << "step " << t;
  for (int gg = 0; gg < c.n_groups; ++gg) {
    EXPECT_EQ(c.alive[gg], g.alive[gg]) << "step " << t << ", alive of group " << gg;
    EXPECT_EQ(c.kills[gg], g.kills[gg]) << "step " << t << ", kills of group " << gg;
    EXPECT_EQ(c.hits[gg], g.hits[gg]) << "step " << t << ", hits of group " << gg;
    EXPECT_EQ(c.reward_fixed[gg], g.reward_fixed[gg]) << "step " << t << ", reward_fixed of group " << gg;
  }
}

// Compares the whole state and every 7th agent's observation, features and mean action.
// Returns false at the first difference (reported as a test failure).
bool expect_same_world(const World& cpu, const World& gpu, int64_t t) {
  const HostState sc = cpu.snapshot(), sg = gpu.snapshot();
  if (sc.hash() != sg.hash()) {
    ADD_FAILURE() << "step " << t << ": snapshot hashes differ; first difference: " << first_difference(sc, sg);
    return false;
  }
  for (int64_t i = 0; i < cpu.n_agents(); i += kSampleStride) {
    const struct {
      const char* name;
      std::vector<float> c, g;
    } parts[] = {{"observation", cpu.observation(i), gpu.observation(i)},
                 {"features", cpu.features(i), gpu.features(i)},
                 {"mean_action", cpu.mean_action(i), gpu.mean_action(i)}};
    for (const auto& p : parts) {
      const bool same = p.c.size() == p.g.size() &&
                        std::memcmp(p.c.data(), p.g.data(), p.c.size() * sizeof(float)) == 0;
      if (!same) {
        ADD_FAILURE() << "step " << t << ", agent " << i << ": " << first_diff(p.name, p.c, p.g);
        return false;
      }
    }
  }
  return true;
}

struct ParityCase {
  const char* name;
  int64_t per_team;
  Placement placement;
  bool minimap;
  ObsDtype dtype;
  MeanActionMode mode;
  Metric metric;
  PolicyKind policy;
  int tile_size = 8;
  bool walls = false;
  MeanActionMethod method = MeanActionMethod::kAuto;
  bool mixed_types = false;  // blue moves at speed 1 (13 actions against red's 21)
};

WorldConfig config_of(const ParityCase& pc) {
  WorldConfig cfg = battle_config(pc.per_team, 0);
  cfg.placement = pc.placement;
  cfg.minimap = pc.minimap;
  cfg.obs_dtype = pc.dtype;
  cfg.mean_mode = pc.mode;
  cfg.mean_metric = pc.metric;
  cfg.tile_size = pc.tile_size;
  cfg.mean_method = pc.method;
  if (pc.mixed_types) cfg.groups[1].type.speed = 1.0f;
  if (pc.walls)  // a wall across part of the map, a few holes in it
    for (int x = 5; x < cfg.width - 5; ++x)
      if (x % 9 != 0) cfg.walls.emplace_back(x, cfg.height / 3);
  return cfg;
}

// Plays both backends from the same seed with the same policy and compares after every step; a
// population, when given, fields that many agents of each group (World::set_population).
void run_parity(const WorldConfig& cfg, PolicyKind policy, uint64_t seed, const std::vector<int64_t>& population = {}) {
  auto cpu = make_cpu_world(cfg);
  auto gpu = make_cuda_world(cfg);
  if (!population.empty()) {
    cpu->set_population(population);
    gpu->set_population(population);
  }
  cpu->reset(seed);
  gpu->reset(seed);
  if (!expect_same_world(*cpu, *gpu, 0)) return;
  const std::vector<PolicySpec> specs(static_cast<size_t>(cfg.n_groups()), PolicySpec{policy, 0, -1});
  for (int t = 1; t <= kParitySteps && !cpu->done(); ++t) {
    cpu->act(specs);
    gpu->act(specs);
    const StepStats sc = cpu->step();
    const StepStats sg = gpu->step();
    expect_stats_equal(sc, sg, t);
    if (!expect_same_world(*cpu, *gpu, t) || ::testing::Test::HasFailure()) return;
  }
}

class CudaParity : public CudaTest, public ::testing::WithParamInterface<ParityCase> {};

TEST_P(CudaParity, MatchesCpuEveryStep) { run_parity(config_of(GetParam()), GetParam().policy, 7); }

// grow_population's worlds: part of each group fielded (the rest dead from the reset on), placed by
// battle's generator and at random, the nearest-agents ā counting the fielded.
class CudaPopulationParity : public CudaTest {};

TEST_F(CudaPopulationParity, AFieldedSubsetMatchesCpuEveryStep) {
  for (Placement pl : {Placement::kDefault, Placement::kRandom}) {
    WorldConfig cfg = battle_config(2048, battle_map_side_for(2048));
    cfg.placement = pl;
    run_parity(cfg, PolicyKind::kScripted, 7, {700, 1300});
    cfg.mean_mode = MeanActionMode::kNearest;
    run_parity(cfg, PolicyKind::kRandom, 8, {300, 2048});
  }
}

constexpr auto kRand = Placement::kRandom;
constexpr auto kBlk = Placement::kDefault;
constexpr auto kF32 = ObsDtype::kF32;
constexpr auto kBf16 = ObsDtype::kBf16;
constexpr auto kRad = MeanActionMode::kRadius;
constexpr auto kCheb = Metric::kChebyshev;
constexpr auto kEucl = Metric::kEuclidean;

INSTANTIATE_TEST_SUITE_P(
    Battle, CudaParity,
    ::testing::Values(
        ParityCase{"random_1k", 512, kRand, false, kF32, kRad, kCheb, PolicyKind::kRandom},
        ParityCase{"random_4k", 2048, kRand, false, kF32, kRad, kCheb, PolicyKind::kRandom},
        ParityCase{"blocks_1k", 512, kBlk, false, kF32, kRad, kCheb, PolicyKind::kRandom},
        ParityCase{"blocks_4k", 2048, kBlk, false, kF32, kRad, kCheb, PolicyKind::kRandom},
        ParityCase{"minimap_bf16_1k", 512, kRand, true, kBf16, kRad, kCheb, PolicyKind::kRandom},
        ParityCase{"minimap_bf16_4k", 2048, kBlk, true, kBf16, kRad, kCheb, PolicyKind::kRandom},
        ParityCase{"euclidean_1k", 512, kRand, false, kF32, kRad, kEucl, PolicyKind::kRandom},
        ParityCase{"euclidean_4k", 2048, kBlk, false, kF32, kRad, kEucl, PolicyKind::kRandom},
        ParityCase{"team_wide_1k", 512, kRand, false, kF32, MeanActionMode::kTeamWide, kCheb, PolicyKind::kRandom},
        ParityCase{"team_wide_4k", 2048, kRand, false, kF32, MeanActionMode::kTeamWide, kCheb, PolicyKind::kRandom},
        ParityCase{"mean_off_1k", 512, kRand, false, kF32, MeanActionMode::kOff, kCheb, PolicyKind::kRandom},
        ParityCase{"scripted_blocks_1k", 512, kBlk, false, kF32, kRad, kCheb, PolicyKind::kScripted},
        ParityCase{"scripted_random_4k", 2048, kRand, false, kF32, kRad, kCheb, PolicyKind::kScripted},
        ParityCase{"scripted_minimap_bf16_4k", 2048, kBlk, true, kBf16, kRad, kCheb, PolicyKind::kScripted},
        ParityCase{"scripted_tiles5_walls_1k", 512, kRand, false, kF32, kRad, kCheb, PolicyKind::kScripted, 5,
                   true},
        ParityCase{"sliding_1k", 512, kRand, false, kF32, kRad, kCheb, PolicyKind::kRandom, 8, false,
                   MeanActionMethod::kSliding},
        ParityCase{"sliding_4k", 2048, kBlk, false, kF32, kRad, kCheb, PolicyKind::kRandom, 8, false,
                   MeanActionMethod::kSliding},
        ParityCase{"gather_4k", 2048, kRand, false, kF32, kRad, kCheb, PolicyKind::kRandom, 8, false,
                   MeanActionMethod::kGather},
        ParityCase{"mixed_types_sliding_1k", 512, kRand, false, kF32, kRad, kCheb, PolicyKind::kScripted, 8,
                   false, MeanActionMethod::kSliding, true}),
    [](const ::testing::TestParamInfo<ParityCase>& info) { return std::string(info.param.name); });

// Actions from outside (set_actions), attacks included, instead of act().
TEST_F(CudaTest, SetActionsMatchesCpu) {
  WorldConfig cfg = battle_config(512, 0);
  cfg.placement = Placement::kRandom;
  auto cpu = make_cpu_world(cfg);
  auto gpu = make_cuda_world(cfg);
  cpu->reset(11);
  gpu->reset(11);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> pick(0, cpu->groups().type[0].n_actions() - 1);
  for (int t = 1; t <= 30; ++t) {
    std::vector<uint8_t> actions(static_cast<size_t>(cpu->n_agents()));
    for (auto& a : actions) a = static_cast<uint8_t>(pick(rng));
    cpu->set_actions(actions);
    gpu->set_actions(actions);
    const StepStats sc = cpu->step();
    const StepStats sg = gpu->step();
    expect_stats_equal(sc, sg, t);
    ASSERT_TRUE(expect_same_world(*cpu, *gpu, t));
  }
}

// Every game on both backends, random and scripted play, its default map and at scale (about 20k
// agents: tiled battlefield and gather, density-scaled pursuit, tiger_deer and combined_arms), minimap
// and bf16 observations on the scaled ones.
struct GameParityCase {
  Scenario scenario;
  int64_t agents;  // 0: the game's default map
  PolicyKind policy;
};

class CudaGameParity : public CudaTest, public ::testing::WithParamInterface<GameParityCase> {};

TEST_P(CudaGameParity, MatchesCpuEveryStep) {
  const GameParityCase& pc = GetParam();
  GameSize size;
  size.agents = pc.agents;
  WorldConfig cfg = game_config(pc.scenario, size);
  if (pc.agents > 0) {
    cfg.minimap = true;
    cfg.obs_dtype = ObsDtype::kBf16;
  }
  run_parity(cfg, pc.policy, 11);
}

std::vector<GameParityCase> game_parity_cases() {
  std::vector<GameParityCase> v;
  for (Scenario s : {Scenario::kBattle, Scenario::kBattlefield, Scenario::kAdversarialPursuit, Scenario::kGather,
                     Scenario::kTigerDeer, Scenario::kCombinedArms})
    for (int64_t agents : {int64_t{0}, int64_t{20000}})
      for (PolicyKind k : {PolicyKind::kRandom, PolicyKind::kScripted}) v.push_back({s, agents, k});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Games, CudaGameParity, ::testing::ValuesIn(game_parity_cases()), [](const auto& info) {
  const GameParityCase& pc = info.param;
  return std::string(scenario_name(pc.scenario)) + (pc.agents > 0 ? "_20k" : "_default") +
         (pc.policy == PolicyKind::kScripted ? "_scripted" : "_random");
});

#if defined(MYRIAD_HAVE_CUDA)  // cuda_draw_u32 lives in kernels/
TEST_F(CudaTest, PhiloxMatchesHost) {
  std::vector<uint32_t> counters;
  const uint32_t steps[] = {0u, 1u, 999u, 0x89ABCDEFu, 0xFFFFFFFFu};
  const uint32_t streams[] = {1u, 2u, 3u, 4u, 16u, 0xFFFFFFFFu};
  for (uint32_t id = 0; id < 4096; ++id)
    for (int k = 0; k < 4; ++k) {
      const uint32_t big_id = k == 3 ? 0xFFFFFFFFu - id : id;
      counters.insert(counters.end(), {big_id, steps[(id + k) % 5], streams[(id * 7 + k) % 6], static_cast<uint32_t>(k * k)});
    }
  for (uint64_t seed : {0ull, 1ull, 42ull, 0x0123456789ABCDEFull, 0xFFFFFFFFFFFFFFFFull}) {
    const std::vector<uint32_t> dev = cuda_draw_u32(test::cuda_backend(), seed, counters);
    ASSERT_EQ(dev.size(), counters.size() / 4);
    for (size_t j = 0; j < dev.size(); ++j) {
      const uint32_t* c = &counters[4 * j];
      const uint32_t host = draw_u32(seed, c[0], c[1], static_cast<Stream>(c[2]), c[3]);
      ASSERT_EQ(host, dev[j]) << "seed " << seed << ", counter (" << c[0] << ", " << c[1] << ", " << c[2]
                              << ", " << c[3] << ")";
    }
  }
}
#endif

TEST_F(CudaTest, CudaBackendIsChosenAndReportsItsMemory) {
  const WorldConfig cfg = battle_config(0, 0);
  auto w = make_world(BackendKind::kCuda, cfg);
  EXPECT_STREQ(w->backend_name(), "cuda");
  EXPECT_GT(w->state_bytes(), static_cast<size_t>(w->n_agents()) * w->obs_layout(0).obs_stride() * sizeof(float));
  EXPECT_STREQ(make_world(BackendKind::kAuto, cfg)->backend_name(), "cuda");
}

// 40M agents need more than any current device has: the error says how many would fit.
TEST_F(CudaTest, TooLargeWorldSaysHowManyAgentsFit) {
  const WorldConfig cfg = battle_config(20'000'000, 0);
  try {
    auto w = make_cuda_world(cfg);
    GTEST_SKIP() << "this device has room for " << w->n_agents() << " agents";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bytes per agent"), std::string::npos) << msg;
    EXPECT_NE(msg.find("agents would fit"), std::string::npos) << msg;
  }
}

// Runs without a GPU: asking for CUDA where no device answers is a clear error, never a fallback.
TEST(CudaBackend, NoDeviceIsAClearError) {
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device answers here";
  const WorldConfig cfg = battle_config(0, 0);
  for (int k = 0; k < 2; ++k) {
    try {
      auto w = k == 0 ? make_world(BackendKind::kCuda, cfg) : make_cuda_world(cfg);
      ADD_FAILURE() << "a CUDA world was made without a device";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("use the cpu"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace myriad
