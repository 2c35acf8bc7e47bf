// cli_test.cpp: end-to-end tests of the `myriad` command line: the built binary is spawned with
// its stdout and stderr captured, and checked for exit codes, one-line errors and the --stats log.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "binary_fixture.hpp"
#include "myriad/world.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using myriad::test::CmdResult;
using myriad::test::read_text;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class CliTest : public myriad::test::BinaryTest {};

// Every bad input: exit 2, exactly one line on stderr, naming the option, nothing on stdout.
void expect_usage_error(const CmdResult& r, const std::string& option) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("myriad: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(option), std::string::npos) << "message should name " << option << ": " << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliTest, RunTinyBattleWritesStats) {
  const fs::path stats = dir_ / "stats.jsonl";
  const auto r = myriad("run --agents-per-team 16 --steps 20 --backend cpu --seed 3 --policy red=scripted,blue=scripted --stats '" + stats.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  std::smatch m;
  const std::regex summary(
      R"(episode 0: steps (\d+), alive red (\d+) blue (\d+), deaths red \d+ blue \d+, kills red (\d+) blue (\d+), )"
      R"(hits red (\d+) blue (\d+), )"
      R"(reward red (-?[\d.]+) blue (-?[\d.]+), [\d.e+]+ agent-steps/s, backend cpu)");
  ASSERT_TRUE(std::regex_search(r.out, m, summary)) << r.out;
  EXPECT_EQ(std::stoi(m[1]), 20);

  ASSERT_TRUE(fs::exists(stats));
  EXPECT_FALSE(fs::exists(stats.string() + ".tmp"));
  const auto lines = lines_of(read_text(stats));
  ASSERT_EQ(lines.size(), 20u);
  int64_t alive[2] = {16, 16}, kills[2] = {0, 0}, hits[2] = {0, 0};
  const char* team[2] = {"red", "blue"};
  for (size_t t = 0; t < lines.size(); ++t) {
    const json j = json::parse(lines[t]);
    EXPECT_EQ(j.at("episode").get<int>(), 0);
    EXPECT_EQ(j.at("step").get<int64_t>(), static_cast<int64_t>(t + 1));
    for (int g = 0; g < 2; ++g) {
      const int64_t a = j.at("alive").at(team[g]).get<int64_t>();
      const int64_t enemy_kills = j.at("kills").at(team[1 - g]).get<int64_t>();
      EXPECT_EQ(a, alive[g] - enemy_kills) << "step " << t + 1 << " " << team[g];  // no friendly fire in battle
      EXPECT_GE(a, 0);
      alive[g] = a;
      kills[g] += j.at("kills").at(team[g]).get<int64_t>();
      hits[g] += j.at("hits").at(team[g]).get<int64_t>();
      EXPECT_TRUE(j.at("reward").at(team[g]).is_number());
    }
    EXPECT_FALSE(j.at("done").get<bool>() && t + 1 < lines.size());
    EXPECT_EQ(j.at("truncated").get<bool>(), t + 1 == 20 && !j.at("done").get<bool>());
  }
  EXPECT_EQ(std::stoll(m[2]), alive[0]);
  EXPECT_EQ(std::stoll(m[3]), alive[1]);
  EXPECT_EQ(std::stoll(m[4]), kills[0]);
  EXPECT_EQ(std::stoll(m[5]), kills[1]);
  EXPECT_EQ(std::stoll(m[6]), hits[0]);
  EXPECT_EQ(std::stoll(m[7]), hits[1]);
}

TEST_F(CliTest, EpisodeUsesSeedPlusIndex) {
  const fs::path a = dir_ / "a.jsonl", b = dir_ / "b.jsonl";
  const auto ra = myriad("run --agents-per-team 16 --steps 5 --episodes 2 --seed 7 --backend cpu -q --stats '" +
                         a.string() + "'");
  const auto rb = myriad("run --agents-per-team 16 --steps 5 --episodes 1 --seed 8 --backend cpu -q --stats '" +
                         b.string() + "'");
  ASSERT_EQ(ra.code, 0) << ra.err;
  ASSERT_EQ(rb.code, 0) << rb.err;
  EXPECT_EQ(lines_of(ra.out).size(), 2u) << ra.out;  // --quiet: the two summaries only
  const auto la = lines_of(read_text(a)), lb = lines_of(read_text(b));
  ASSERT_EQ(la.size(), 10u);
  ASSERT_EQ(lb.size(), 5u);
  for (size_t k = 0; k < 5; ++k) {
    json ja = json::parse(la[5 + k]), jb = json::parse(lb[k]);
    EXPECT_EQ(ja.at("episode").get<int>(), 1);
    ja.erase("episode");
    jb.erase("episode");
    EXPECT_EQ(ja, jb) << "step " << k + 1;
  }
}

TEST_F(CliTest, MapTooSmallIsOneLineAndNoStatsFile) {
  const fs::path stats = dir_ / "stats.jsonl";
  const auto r = myriad("run --map-size 5 --agents-per-team 81 --backend cpu --stats '" + stats.string() + "'");
  expect_usage_error(r, "--map-size");
  EXPECT_NE(r.err.find("81"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(stats));
  EXPECT_FALSE(fs::exists(stats.string() + ".tmp"));
}

TEST_F(CliTest, BadInputsNameTheOption) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--policy red=foo", "--policy"},
      {"--policy green=noop", "--policy"},
      {"--policy random:0-21", "--policy"},
      {"--scenario pursuit", "--scenario"},
      {"--steps abc", "--steps"},
      {"--steps 0", "--steps"},
      {"--mean-radius 0", "--mean-radius"},
      {"--mean-radius -2", "--mean-radius"},
      {"--map-size 0", "--map-size"},
      {"--agents-per-team x", "--agents-per-team"},
      {"--backend gpu", "--backend"},
      {"--placement grid", "--placement"},
      {"--no-such-option", "--no-such-option"},
      {"--stats '" + (dir_ / "missing_dir" / "s.jsonl").string() + "'", "--stats"},
  };
  for (const auto& [args, option] : cases) {
    SCOPED_TRACE(args);
    expect_usage_error(myriad("run --backend cpu --steps 3 " + args), option);
  }
  EXPECT_FALSE(fs::exists(dir_ / "missing_dir"));
}

TEST_F(CliTest, CudaBackendWithoutDeviceIsUsageError) {
  if (myriad::cuda_device_available()) GTEST_SKIP() << "a CUDA device answers here";
  expect_usage_error(myriad("run --agents-per-team 16 --steps 3 --backend cuda"), "--backend");
}

TEST_F(CliTest, HelpListsOptionsWithDefaults) {
  const auto r = myriad("run --help");
  EXPECT_EQ(r.code, 0) << r.err;
  bool found = false;
  for (const auto& line : lines_of(r.out))
    if (line.find("--agents-per-team") != std::string::npos && line.find("81") != std::string::npos) found = true;
  EXPECT_TRUE(found) << r.out;
  for (const char* opt : {"--map-size", "--placement", "--policy", "--steps", "--episodes", "--seed", "--backend",
                          "--stats", "--minimap", "--mean-radius", "--mean-metric", "--mean-mode", "--obs-dtype"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST_F(CliTest, NoOrUnknownCommandPrintsHelpAndExits2) {
  for (const std::string args : {"", "frobnicate"}) {
    SCOPED_TRACE(args);
    const auto r = myriad(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("run"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("conform"), std::string::npos) << r.err;
  }
}

TEST_F(CliTest, ConformRejectsNonJson) {
  const fs::path bad = dir_ / "not_json.json";
  std::ofstream(bad) << "this is not JSON\n";
  const auto r = myriad("conform --backend cpu '" + bad.string() + "'");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("not_json.json"), std::string::npos) << r.err;
  EXPECT_EQ(myriad("conform --backend cpu '" + (dir_ / "missing.json").string() + "'").code, 2);
  EXPECT_EQ(myriad("conform").code, 2);
}

TEST_F(CliTest, ConformVectorsReportPassOrFailPerFile) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(MYRIAD_TEST_DATA) / "conformance"))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  ASSERT_FALSE(files.empty());
  std::string args = "conform --backend cpu";
  for (const auto& f : files) args += " '" + f + "'";
  const auto r = myriad(args);
  EXPECT_TRUE(r.code == 0 || r.code == 1) << "exit " << r.code << "\n" << r.err;
  size_t verdicts = 0;
  for (const auto& line : lines_of(r.out))
    if (line.rfind("PASS ", 0) == 0 || line.rfind("FAIL ", 0) == 0) ++verdicts;
  EXPECT_EQ(verdicts, files.size()) << r.out;
}

}  // namespace
