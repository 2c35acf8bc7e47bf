// bench_cli_test.cpp: `myriad bench` end to end: bad input is one line on stderr and exit 2; a tiny
// CPU acting point and sweep write a results file with every phase, the model and the floors.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "binary_fixture.hpp"

namespace {

using myriad::test::CmdResult;
using nlohmann::json;

class BenchCliTest : public myriad::test::BinaryTest {};

void expect_usage_error(const CmdResult& r, const std::string& needle) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(BenchCliTest, BadInputIsOneLineAndExitTwo) {
  expect_usage_error(myriad("bench --backend cpu --agents 0"), "--agents");
  expect_usage_error(myriad("bench --backend cpu --agents 1"), "--agents");
  expect_usage_error(myriad("bench --backend cpu --agents ten"), "--agents");
  expect_usage_error(myriad("bench --backend cpu --workload fly"), "--workload");
  expect_usage_error(myriad("bench --backend cpu --steps 0"), "--steps");
  expect_usage_error(myriad("bench --backend cpu --sweep 1000"), "--sweep");
  expect_usage_error(myriad("bench --backend cpu --sweep 4000:1000"), "--sweep");
  expect_usage_error(myriad("bench --backend cpu --sweep 1000:lots"), "--sweep");
  expect_usage_error(myriad("bench --backend cpu --workload sweep --agents 1000"), "--agents");
  expect_usage_error(myriad("bench --backend cpu --workload acting --sweep 1000:2000"), "--sweep");
  expect_usage_error(myriad("bench --backend cpu --profile-steps 5:2"), "--profile-steps");
  expect_usage_error(myriad("bench --backend cpu --steps 3 --warmup 1 --profile-steps 4:6"), "--profile-steps");
  expect_usage_error(myriad("bench --backend cpu --obs-dtype f16"), "--obs-dtype");
  expect_usage_error(myriad("bench --backend cpu --math fp16"), "--math");
  expect_usage_error(myriad("bench --backend tpu"), "--backend");
}

TEST_F(BenchCliTest, CpuActingPointWritesEveryPhaseWithTheModel) {
  const std::string out = (dir_ / "bench.json").string();
  const CmdResult r = myriad("bench --backend cpu --workload acting --agents 200 --steps 3 --warmup 1 -q --json '" +
                             out + "'");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("forward"), std::string::npos) << r.out;
  const json doc = json::parse(myriad::test::read_text(out));
  for (const char* k : {"date", "commit", "device", "configuration"}) EXPECT_TRUE(doc.contains(k)) << k;
  ASSERT_EQ(doc["points"].size(), 1u);
  const json& p = doc["points"][0];
  EXPECT_EQ(p["workload"], "acting");
  EXPECT_EQ(p["agents"], 200);
  EXPECT_EQ(p["steps_timed"], 3);
  EXPECT_EQ(p["obs_dtype"], "f32") << "auto is f32 on the CPU";
  EXPECT_EQ(p["network_math"], "fp32") << "the CPU network is FP32 whatever --math says";
  for (const char* ph : {"index", "mean_action", "observe", "forward", "select", "rules", "replay", "update"}) {
    ASSERT_TRUE(p["phases"].contains(ph)) << ph;
    for (const char* f : {"ms_median", "ms_min", "ms_max", "bytes", "flop", "floor_ms"})
      EXPECT_TRUE(p["phases"][ph].contains(f)) << ph << "." << f;
  }
  EXPECT_GT(p["phases"]["forward"]["flop"].get<double>(), 0);
  EXPECT_GT(p["phases"]["forward"]["ms_median"].get<double>(), 0);
  EXPECT_GT(p["agent_steps_per_s"].get<double>(), 0);
  EXPECT_GT(p["memory"]["bytes_per_agent"].get<double>(), 0);
}

TEST_F(BenchCliTest, CpuSweepDoublesAndSaysWhyItStopped) {
  const std::string out = (dir_ / "sweep.json").string();
  const CmdResult r = myriad("bench --backend cpu --sweep 200:800 --steps 2 --warmup 0 -q --json '" + out + "'");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const json doc = json::parse(myriad::test::read_text(out));
  ASSERT_EQ(doc["points"].size(), 3u);
  EXPECT_EQ(doc["points"][0]["agents"], 200);
  EXPECT_EQ(doc["points"][1]["agents"], 400);
  EXPECT_EQ(doc["points"][2]["agents"], 800);
  EXPECT_NE(doc["sweep_stop_reason"].get<std::string>().find("upper bound"), std::string::npos);
}

}  // namespace
