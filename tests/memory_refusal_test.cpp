// memory_refusal_test.cpp: worlds and played networks that do not fit the machine are refused before
// anything is allocated, with the largest population (or map side) that would fit; and the commands
// run their OpenMP threads with passive waiting unless the user says otherwise.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <regex>

#include "binary_fixture.hpp"
#include "myriad/checkpoint.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/world.hpp"

using namespace myriad;
using myriad::test::BinaryTest;
using myriad::test::read_text;

namespace {

size_t cpu_backend_bytes(const WorldConfig& c) { return World::planned_bytes(c, false) + World::reset_host_bytes(c); }

std::string refusal(const WorldConfig& c) {
  auto be = make_backend(BackendKind::kCpu);
  try {
    World::check_memory(c, *be);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// A battle population per team that this machine refuses while its map (side ⌈5·√N⌉, ~425 bytes of
// map per agent of a team against ~7,800 of agents) fits with room to spare: 1 per 2,000 usable bytes,
// ~4× above what fits and ~5× below a map alone too large; at most 50M (a larger machine may hold it:
// the tests then skip). 0 when usable memory is unknown.
int64_t refused_population() {
  return std::min<int64_t>(static_cast<int64_t>(usable_bytes(host_available_bytes(), false) / 2000), 50'000'000);
}

}  // namespace

TEST(MemoryRefusal, ResetHostBytesCountTheMapAndTheRandomKeys) {
  WorldConfig c = battle_config(100, 200);
  const size_t blocks = World::reset_host_bytes(c);
  c.placement = Placement::kRandom;
  const size_t random = World::reset_host_bytes(c);
  EXPECT_GE(blocks, 200u * 200u * 4);                 // wall grid, its copy, two occupancy grids
  EXPECT_EQ(random - blocks, 200u * 200u * 8);        // a 64-bit key per cell while cells are drawn
}

TEST(MemoryRefusal, TooManyAgentsIsRefusedWithAPopulationThatFits) {
  const int64_t n = refused_population();
  if (n < 1000) GTEST_SKIP() << "usable memory unknown";
  const WorldConfig c = battle_config(n, 0);
  const size_t usable = usable_bytes(host_available_bytes(), false);
  if (cpu_backend_bytes(c) <= usable) GTEST_SKIP() << "this machine holds " << n << " per team";
  const std::string msg = refusal(c);
  ASSERT_FALSE(msg.empty());
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(msg, m, std::regex("at most about ([0-9]+) agents fit on this map"))) << msg;
  const int64_t fit = std::stoll(m[1]);
  ASSERT_GT(fit, 1000);
  // The figure is the largest population of this map that fits, to within a few percent.
  WorldConfig smaller = c, larger = c;
  smaller.groups[0].count = smaller.groups[1].count = fit * 97 / 200;
  larger.groups[0].count = larger.groups[1].count = fit * 103 / 200;
  EXPECT_LE(cpu_backend_bytes(smaller), usable);
  EXPECT_GT(cpu_backend_bytes(larger), usable);
}

TEST(MemoryRefusal, AMapTooLargeForAnyPopulationNamesASideThatFits) {
  WorldConfig c = battle_config(10, 65535);
  const size_t usable = usable_bytes(host_available_bytes(), false);
  if (usable == 0 || cpu_backend_bytes(c) <= usable) GTEST_SKIP() << "this machine holds a 65535 x 65535 map";
  const std::string msg = refusal(c);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(msg, m, std::regex("a side of at most about ([0-9]+)"))) << msg;
  const int side = std::stoi(m[1]);
  ASSERT_GT(side, 100);
  ASSERT_LT(side, 65535);
  EXPECT_LE(cpu_backend_bytes(battle_config(10, side)), usable);
}

class MemoryRefusalCli : public BinaryTest {};

TEST_F(MemoryRefusalCli, RunRefusesAHugeMapAtOnce) {
  if (usable_bytes(host_available_bytes(), false) > (size_t{60} << 30)) GTEST_SKIP() << "over 60 GiB usable";
  const auto r = myriad("run --map-size 65535 --agents-per-team 10 --steps 1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("the map alone does not fit"), std::string::npos) << r.err;
}

TEST_F(MemoryRefusalCli, RunRefusesTooManyPerTeam) {
  const int64_t n = refused_population();
  if (n < 1000) GTEST_SKIP() << "usable memory unknown";
  const auto r = myriad("run --agents-per-team " + std::to_string(n) + " --steps 1");
  if (r.code == 0) GTEST_SKIP() << "this machine holds " << n << " per team";
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("agents fit on this map"), std::string::npos) << r.err;
}

// eval builds its world inside the evaluation: the refusal is still the input's fault (exit 2).
TEST_F(MemoryRefusalCli, EvalRefusesTooManyPerTeam) {
  const int64_t n = refused_population();
  if (n < 1000) GTEST_SKIP() << "usable memory unknown";
  const auto r = myriad("eval scripted random --agents-per-team " + std::to_string(n) + " --max-steps 1 -e 1 --backend cpu");
  if (r.code == 0) GTEST_SKIP() << "this machine holds " << n << " per team";
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("agents fit on this map"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

// A checkpoint whose network is small on disk but whose hidden layer makes the forward pass over a
// team far larger than the machine (the "hidden layer of 10^6"): refused before allocating.
TEST_F(MemoryRefusalCli, APlayedNetworkTooWideForTheMachineIsRefused) {
  constexpr int kPerTeam = 40000, kWide = 300000;
  const WorldConfig c = battle_config(kPerTeam, 0);
  auto world = make_cpu_world(c);
  const MlpShape s = group_network_shape(*world, 0, InputMode::kMeanAction, {1, kWide});
  const size_t activations = size_t{kPerTeam} * (kWide + 1 + s.inputs + s.outputs) * sizeof(float);
  if (activations < usable_bytes(host_available_bytes(), false) + (size_t{4} << 30)) GTEST_SKIP() << "machine too large";
  Checkpoint ck;
  ck.header.algorithm = "mfq";
  ck.header.network_shape = {s.inputs, 1, kWide, s.outputs};
  ck.put_floats("red.online", std::vector<float>(network_parameter_count(ck.header.network_shape), 0.01f));
  const std::string path = (dir_ / "wide.bin").string();
  write_checkpoint(path, ck);
  world.reset();  // the probe world goes before the command runs
  const auto r = myriad("run --agents-per-team " + std::to_string(kPerTeam) + " --steps 1 --policy red=" + path +
                        ",blue=random");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("playing its network"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

TEST_F(MemoryRefusalCli, OpenMPThreadsWaitPassivelyUnlessTheUserChose) {
  const std::string json = (dir_ / "b.json").string();
  auto bench = [&](const std::string& env) {
    return run("/usr/bin/env", "-u OMP_WAIT_POLICY -u GOMP_SPINCOUNT " + env + " '" + MYRIAD_BINARY +
                                   "' bench --agents 2000 --steps 2 --json '" + json + "'");
  };
  auto env = [&](const char* name) {
    const auto doc = nlohmann::json::parse(read_text(json));
    const auto& host = doc.at("device").at("host");
    if (!host.contains("env")) return std::string("unset");
    return host.at("env").value(name, std::string("unset"));
  };
  auto policy = [&] { return env("OMP_WAIT_POLICY"); };
  auto r = bench("");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(policy(), "passive");
  r = bench("OMP_WAIT_POLICY=active");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(policy(), "active");
  r = bench("GOMP_SPINCOUNT=1000");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(policy(), "unset");
  EXPECT_EQ(env("GOMP_SPINCOUNT"), "1000");
}
