// conformance_test.cpp: every MAgent2 conformance vector of the six games passes on the CPU backend (and
// on CUDA when a device answers); tampered vectors are caught at the right step, agent and field, and
// crafted ones are refused with a clear error instead of a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cuda_test_fixture.hpp"
#include "myriad/conformance.hpp"

namespace fs = std::filesystem;
using myriad::BackendKind;
using myriad::run_conformance;

namespace {

// Battle's ten at the top, the other games' in a folder each (shared/conformance's layout).
std::vector<std::string> vectors() {
  std::vector<std::string> v;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(MYRIAD_TEST_DATA) / "conformance"))
    if (e.path().extension() == ".json") v.push_back(e.path().string());
  std::sort(v.begin(), v.end());
  return v;
}

// "03_tags" for battle's, "adversarial_pursuit_v4_03_tags" for a game folder's.
std::string test_name(const std::string& path) {
  const fs::path p(path);
  const std::string folder = p.parent_path().filename().string();
  return folder == "conformance" ? p.stem().string() : folder + "_" + p.stem().string();
}

std::string describe(const myriad::ConformanceResult& r) {
  std::string s;
  for (size_t k = 0; k < r.mismatches.size() && k < 10; ++k) {
    const auto& m = r.mismatches[k];
    s += "  t=" + std::to_string(m.step) + " " + m.agent + " " + m.field + ": expected " + m.expected + ", got " + m.got + "\n";
  }
  return s;
}

std::string write_temp(const nlohmann::json& j, const std::string& name) {
  // Named by test and process: ctest runs tests (and two builds' suites) side by side.
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto p = fs::temp_directory_path() / ("myriad_conf_" + std::string(test->name()) + "_" + name + "_" +
                                              std::to_string(::getpid()) + ".json");
  std::ofstream(p) << j.dump();
  return p.string();
}

nlohmann::json load(const std::string& file) {
  std::ifstream in(fs::path(MYRIAD_TEST_DATA) / "conformance" / file);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST(Conformance, EveryGamesVectorsArePresent) {
  size_t battle = 0, others = 0;
  for (const auto& v : vectors()) (fs::path(v).parent_path().filename() == "conformance" ? battle : others) += 1;
  EXPECT_EQ(battle, 10u);
  EXPECT_EQ(others, 32u);  // pursuit 5, battlefield 6, combined_arms 7, gather 8, tiger_deer 6
}

class ConformanceVector : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceVector, MatchesMAgent2OnCpu) {
  const auto r = run_conformance(GetParam(), BackendKind::kCpu);
  EXPECT_GT(r.checked, 80);
  EXPECT_TRUE(r.ok()) << r.name << ": " << r.mismatches.size() << " mismatches\n" << describe(r);
}

TEST_P(ConformanceVector, MatchesMAgent2OnCuda) {
  MYRIAD_SKIP_WITHOUT_CUDA();
  const auto r = run_conformance(GetParam(), BackendKind::kCuda);
  EXPECT_TRUE(r.ok()) << r.name << ": " << r.mismatches.size() << " mismatches\n" << describe(r);
}

INSTANTIATE_TEST_SUITE_P(All, ConformanceVector, ::testing::ValuesIn(vectors()),
                         [](const auto& info) { return test_name(info.param); });

TEST(Conformance, TamperedPositionIsReportedWithStepAgentAndField) {
  auto j = load("01_single_attacker_kill.json");
  j["steps"][3]["agents"][1]["x"] = 9;  // red:1 stays at x=8 in the engine's run
  const auto r = run_conformance(write_temp(j, "pos"), BackendKind::kCpu);
  ASSERT_EQ(r.mismatches.size(), 1u) << describe(r);
  EXPECT_EQ(r.mismatches[0].step, 3);
  EXPECT_EQ(r.mismatches[0].agent, "red:1");
  EXPECT_EQ(r.mismatches[0].field, "x");
  EXPECT_EQ(r.mismatches[0].expected, "9");
  EXPECT_EQ(r.mismatches[0].got, "8");
}

TEST(Conformance, TamperedRewardAndViewAreReported) {
  auto j = load("06a_observation.json");
  j["steps"][1]["agents"][0]["reward"] = 0.5;
  auto& views = j["steps"][1]["views"];
  ASSERT_FALSE(views.empty());
  auto& view = views.begin().value()["view"];
  view[6][6][0] = 1.0;  // the observer's own cell is never a wall
  const auto r = run_conformance(write_temp(j, "rv"), BackendKind::kCpu);
  ASSERT_EQ(r.mismatches.size(), 2u) << describe(r);
  EXPECT_EQ(r.mismatches[0].field, "reward");
  EXPECT_EQ(r.mismatches[1].field, "view[6][6][0]");
}

TEST(Conformance, TamperedActionChangesTheOutcome) {
  auto j = load("01_single_attacker_kill.json");
  j["actions"][0][0][0] = 6;  // red:0 stays instead of attacking on step 1
  const auto r = run_conformance(write_temp(j, "act"), BackendKind::kCpu);
  EXPECT_FALSE(r.ok());
}

TEST(Conformance, OrderDependentFieldsAreComparedBySum) {
  auto j = load("05_two_attackers_kill.json");
  ASSERT_FALSE(j["order_dependent_fields"].empty());
  const auto r0 = run_conformance(write_temp(j, "od0"), BackendKind::kCpu);
  EXPECT_TRUE(r0.ok()) << describe(r0);
  j["order_dependent_fields"][0]["invariant_sum"] = j["order_dependent_fields"][0]["invariant_sum"].get<double>() + 1.0;
  const auto r1 = run_conformance(write_temp(j, "od1"), BackendKind::kCpu);
  ASSERT_EQ(r1.mismatches.size(), 1u) << describe(r1);
  EXPECT_NE(r1.mismatches[0].agent.find("sum("), std::string::npos);
}

TEST(Conformance, MalformedFilesGiveAClearError) {
  const auto p = fs::temp_directory_path() / ("myriad_conf_bad_" + std::to_string(::getpid()) + ".json");
  std::ofstream(p) << "this is not json";
  try {
    run_conformance(p.string(), BackendKind::kCpu);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
  std::ofstream(p, std::ios::trunc) << R"({"name": "x"})";
  EXPECT_THROW(run_conformance(p.string(), BackendKind::kCpu), std::runtime_error);
  EXPECT_THROW(run_conformance("/nonexistent/file.json", BackendKind::kCpu), std::runtime_error);
}

TEST(Conformance, TamperedDefaultMapIsReported) {
  auto j = load("gather_v5/00_default_map.json");
  j["initial"]["food"][5][0] = j["initial"]["food"][5][0].get<int>() + 1;  // the generator puts it elsewhere
  const auto r = run_conformance(write_temp(j, "map"), BackendKind::kCpu);
  ASSERT_FALSE(r.ok());
  bool placed = false;
  for (const auto& m : r.mismatches) placed = placed || m.field.find("initial") != std::string::npos;
  EXPECT_TRUE(placed) << describe(r);
}

TEST(Conformance, TamperedTigerPairRewardIsReported) {
  auto j = load("tiger_deer_v4/02_attacks_rewards.json");
  auto& agents = j["steps"][1]["agents"];
  for (auto& a : agents)
    if (a["team"] == "tiger" && a["reward"].get<double>() > 0.5) {
      a["reward"] = a["reward"].get<double>() - 0.5;  // half a pair: the ordered-pair rule pays 1
      break;
    }
  const auto r = run_conformance(write_temp(j, "pair"), BackendKind::kCpu);
  ASSERT_EQ(r.mismatches.size(), 1u) << describe(r);
  EXPECT_EQ(r.mismatches[0].field, "reward");
}

// Crafted files (issue: "crashes on crafted conformance files"): every bad value is a clear error.
TEST(Conformance, CraftedValuesAreRefusedNotCrashes) {
  const auto base = load("01_single_attacker_kill.json");
  auto expect_refused = [](nlohmann::json j, const std::string& name, const std::string& words) {
    try {
      run_conformance(write_temp(j, name), BackendKind::kCpu);
      ADD_FAILURE() << name << ": accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << name << ": " << e.what();
    }
  };
  auto j = base;
  j["steps"][1]["agents"][0]["index"] = 7;  // beyond red's agents
  expect_refused(j, "index", "index beyond");
  j = base;
  j["steps"][1]["agents"][0]["index"] = -1;
  expect_refused(j, "negative", "index");
  j = base;
  j["actions"][0][0].push_back(6);  // more actions than agents
  expect_refused(j, "actions", "more actions");
  j = base;
  j["actions"][0][0][0] = 256;  // does not fit uint8: never wrapped to 0
  expect_refused(j, "range", "an action");
  j = base;
  j["map_size"] = 4294967311LL;
  expect_refused(j, "map", "map_size");
  j = base;
  j["steps"][1]["agents"][0]["team"] = "green";
  expect_refused(j, "team", "unknown group");
  j = base;
  j["initial"]["red"][0] = nlohmann::json::array({100, 2});  // off the map
  expect_refused(j, "off", "initial");
  j = load("06a_observation.json");
  auto& views = j["steps"][1]["views"];
  views.begin().value()["view"].push_back(views.begin().value()["view"][0]);  // 14 rows
  expect_refused(j, "rows", "rows");
  j = load("06a_observation.json");
  j["steps"][1]["views"]["red:9999"] = j["steps"][1]["views"].begin().value();
  expect_refused(j, "key", "index beyond");
}
