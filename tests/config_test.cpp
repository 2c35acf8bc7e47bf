// config_test.cpp: battle's defaults (rules.md §4), the density rule, validation messages, and
// backend selection without a device.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/placement.hpp"
#include "myriad/world.hpp"

using namespace myriad;

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST(Config, BattleDefaults) {
  const WorldConfig c = battle_config(0, 0);
  EXPECT_EQ(c.scenario, Scenario::kBattle);
  EXPECT_EQ(c.width, 45);
  EXPECT_EQ(c.height, 45);
  ASSERT_EQ(c.n_groups(), 2);
  EXPECT_EQ(c.groups[0].count, 81);
  EXPECT_EQ(c.groups[1].count, 81);
  EXPECT_EQ(c.n_agents(), 162);
  EXPECT_EQ(c.max_steps, 1000);
  EXPECT_EQ(c.placement, Placement::kDefault);
  EXPECT_TRUE(c.walls.empty());
  for (const auto& g : c.groups) {
    const AgentType& t = g.type;
    EXPECT_EQ(t.body_w, 1);
    EXPECT_EQ(t.body_h, 1);
    EXPECT_EQ(t.hp_max, 10.0f);
    EXPECT_EQ(t.speed, 2.0f);
    EXPECT_EQ(t.view_radius, 6.0f);
    EXPECT_EQ(t.attack_radius, 1.5f);
    EXPECT_EQ(t.damage, 2.0f);
    EXPECT_EQ(t.step_recover, 0.1f);
    EXPECT_EQ(t.kill_reward, 5.0f);
    EXPECT_EQ(t.step_reward, -0.005f);
    EXPECT_EQ(t.dead_penalty, -0.1f);
    EXPECT_EQ(t.attack_penalty, -0.1f);
    EXPECT_FALSE(t.attack_in_group);
  }
  EXPECT_EQ(c.rules.hit[0][1], 0.2f);  // attack_opponent_reward, both ways
  EXPECT_EQ(c.rules.hit[1][0], 0.2f);
  EXPECT_EQ(c.rules.hit[0][0], 0.0f);
  EXPECT_EQ(validate(c), "");
}

TEST(Config, DensityRule) {
  // S = ceil(5·sqrt(N)).
  EXPECT_EQ(battle_map_side_for(81), 45);
  EXPECT_EQ(battle_map_side_for(64), 40);
  EXPECT_EQ(battle_map_side_for(100), 50);
  EXPECT_EQ(battle_map_side_for(1000), 159);      // 158.11
  EXPECT_EQ(battle_map_side_for(500000), 3536);   // 3535.53: a million agents in all
  const WorldConfig c = battle_config(500000, 0);
  EXPECT_EQ(c.width, 3536);
  EXPECT_EQ(c.height, 3536);
  EXPECT_EQ(c.groups[1].count, 500000);
  EXPECT_EQ(validate(c), "");
}

TEST(Config, BlockCountForMapSide) {
  // MAgent: floor(sqrt(0.04·S²))² per team.
  EXPECT_EQ(battle_block_count_for(40), 64);
  EXPECT_EQ(battle_block_count_for(45), 81);
  EXPECT_EQ(battle_block_count_for(50), 100);
  EXPECT_EQ(battle_block_count_for(30), 36);
  EXPECT_EQ(battle_config(0, 40).groups[0].count, 64);
  EXPECT_EQ(battle_config(0, 40).width, 40);
  EXPECT_EQ(block_side_for(64), 16);
  EXPECT_EQ(block_side_for(81), 18);
  EXPECT_EQ(block_side_for(82), 20);  // ceil: every agent fits
}

TEST(Config, MapTooSmallForTheTeams) {
  WorldConfig c = battle_config(500, 20);
  c.placement = Placement::kRandom;
  const std::string e = validate(c);
  EXPECT_TRUE(contains(e, "map too small")) << e;
  EXPECT_TRUE(contains(e, "1000 agents")) << e;
  EXPECT_TRUE(contains(e, "324 free interior cells")) << e;
  EXPECT_TRUE(contains(e, "map_size >= " + std::to_string(battle_map_side_for(500)))) << e;
  EXPECT_THROW(make_cpu_world(c), std::invalid_argument);
}

TEST(Config, MapTooSmallForBlocks) {
  const WorldConfig c = battle_config(81, 30);  // 81 fit in 28² cells, not as two 18-cell blocks
  const std::string e = validate(c);
  EXPECT_TRUE(contains(e, "blocks")) << e;
  EXPECT_TRUE(contains(e, "placement random")) << e;
  WorldConfig r = c;
  r.placement = Placement::kRandom;
  EXPECT_EQ(validate(r), "");
}

TEST(Config, NonPositiveSizes) {
  WorldConfig c = battle_config(0, 0);
  c.width = 0;
  EXPECT_TRUE(contains(validate(c), "map_size")) << validate(c);
  c = battle_config(0, 0);
  c.height = -5;
  EXPECT_NE(validate(c), "");
  c = battle_config(0, 0);
  c.groups[1].count = 0;
  EXPECT_TRUE(contains(validate(c), "agents_per_team")) << validate(c);
  c = battle_config(0, 0);
  c.groups[0].count = -3;
  EXPECT_TRUE(contains(validate(c), "agents_per_team")) << validate(c);
  c = battle_config(0, 0);
  c.max_steps = 0;
  EXPECT_TRUE(contains(validate(c), "max_steps")) << validate(c);
  c = battle_config(0, 0);
  c.groups[0].type.hp_max = 0.0f;
  EXPECT_NE(validate(c), "");
  c = battle_config(0, 0);
  c.groups.clear();
  EXPECT_NE(validate(c), "");
}

TEST(Config, MeanRadiusRange) {
  WorldConfig c = battle_config(0, 0);
  for (float bad : {0.0f, -1.0f, 127.5f, 1000.0f}) {
    c.mean_radius = bad;
    EXPECT_TRUE(contains(validate(c), "mean_radius")) << bad << ": " << validate(c);
  }
  for (float good : {0.5f, 1.0f, 6.0f, 127.0f}) {
    c.mean_radius = good;
    EXPECT_EQ(validate(c), "") << good;
  }
  c.mean_radius = 0.0f;
  c.mean_mode = MeanActionMode::kOff;  // unused radius: no complaint
  EXPECT_EQ(validate(c), "");
}

TEST(Config, BodiesUpToEightCellsASide) {
  WorldConfig c = battle_config(0, 0);
  c.placement = Placement::kRandom;
  c.groups[0].type.body_w = c.groups[0].type.body_h = 2;
  EXPECT_EQ(validate(c), "");
  c.groups[0].type.body_w = 9;
  EXPECT_TRUE(contains(validate(c), "body")) << validate(c);
}

TEST(Backend, ParseBackend) {
  EXPECT_EQ(parse_backend("cpu"), BackendKind::kCpu);
  EXPECT_EQ(parse_backend("cuda"), BackendKind::kCuda);
  EXPECT_EQ(parse_backend("auto"), BackendKind::kAuto);
  EXPECT_THROW(parse_backend("gpu"), std::invalid_argument);
}

TEST(Backend, CpuAndAutoWithoutDevice) {
  const WorldConfig c = battle_config(0, 0);
  EXPECT_STREQ(make_world(BackendKind::kCpu, c)->backend_name(), "cpu");
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device answers: auto picks it";
  EXPECT_STREQ(make_world(BackendKind::kAuto, c)->backend_name(), "cpu");
}

TEST(Backend, CudaWithoutDeviceNamesTheCpuBackend) {
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device answers";
  try {
    make_world(BackendKind::kCuda, battle_config(0, 0));
    FAIL() << "make_world(kCuda) without a device must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "cpu")) << e.what();
  }
}

TEST(Config, ResetRejectsImpossiblePositions) {
  WorldConfig c = battle_config(1, 10);
  c.placement = Placement::kRandom;
  c.walls = {{5, 5}};
  auto w = make_cpu_world(c);
  using P = std::vector<std::pair<int, int>>;
  EXPECT_THROW(w->reset(1, P{{2, 2}}), std::invalid_argument);           // one position for two agents
  EXPECT_THROW(w->reset(1, P{{2, 2}, {2, 2}}), std::invalid_argument);   // same cell
  EXPECT_THROW(w->reset(1, P{{2, 2}, {0, 4}}), std::invalid_argument);   // border wall
  EXPECT_THROW(w->reset(1, P{{2, 2}, {5, 5}}), std::invalid_argument);   // interior wall
  EXPECT_THROW(w->reset(1, P{{2, 2}, {10, 4}}), std::invalid_argument);  // off the map
  EXPECT_NO_THROW(w->reset(1, P{{1, 1}, {8, 8}}));
  EXPECT_EQ(w->step_index(), 0);
  EXPECT_FALSE(w->done());
}
