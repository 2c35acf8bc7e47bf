// plot_script_test.cpp: scripts/plot.sh (scripts/plot_run.py) on a real tiny `myriad train` run and
// on synthetic metrics: a PNG of plausible size, overlays, tolerance of extra / missing columns, and
// exit code 2 with a message for bad run directories. Skips when no Python with matplotlib is found.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "binary_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using myriad::test::CmdResult;
using myriad::test::read_text;

const fs::path kRepo = fs::path(MYRIAD_TEST_DATA).parent_path().parent_path();  // tests/data -> repository

struct Png {
  bool signature = false;
  uint32_t width = 0, height = 0;
};

Png read_png(const fs::path& p) {
  const std::string s = read_text(p);
  Png png;
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (s.size() < 24) return png;
  png.signature = s.compare(0, 8, std::string(reinterpret_cast<const char*>(sig), 8)) == 0 &&
                  s.compare(12, 4, "IHDR") == 0;
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
    return v;
  };
  png.width = be32(16);
  png.height = be32(20);
  return png;
}

class PlotScriptTest : public myriad::test::BinaryTest {
 protected:
  // Runs scripts/plot.sh ARGS; stdout and stderr come back separately.
  CmdResult plot(const std::string& args) const { return run((kRepo / "scripts" / "plot.sh").string(), args); }

  // True when plot.sh found no Python with matplotlib (then the caller skips).
  static bool no_matplotlib(const CmdResult& r) {
    return r.code == 2 && r.err.find("no Python with matplotlib") != std::string::npos;
  }

  void expect_png(const fs::path& p) const {
    ASSERT_TRUE(fs::exists(p)) << p;
    const Png png = read_png(p);
    EXPECT_TRUE(png.signature) << p;
    EXPECT_GE(png.width, 800u) << p;
    EXPECT_GE(png.height, 600u) << p;
    EXPECT_GT(fs::file_size(p), 20000u) << p;  // eight panels of curves, not a blank canvas
  }

  void train(const fs::path& run, const std::string& extra = "") const {
    const CmdResult r = myriad("train --backend cpu -q --set episodes=2 --set max_steps=30 --set agents_per_team=8 "
                               "--set map_size=20 --set batch=32 " + extra + " --out '" + run.string() + "'");
    ASSERT_EQ(r.code, 0) << r.err;
  }
};

TEST_F(PlotScriptTest, RealRunGivesAPngAndRunsOverlay) {
  const fs::path mfq = dir_ / "mfq", iql = dir_ / "iql";
  train(mfq);
  CmdResult r = plot("'" + mfq.string() + "'");
  if (no_matplotlib(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path png = mfq / "learning_curves.png";
  EXPECT_NE(r.out.find(png.string()), std::string::npos) << r.out;
  expect_png(png);

  train(iql, "--set algorithm=iql");
  const fs::path cmp = dir_ / "out" / "cmp.png";
  r = plot("'" + mfq.string() + "' '" + iql.string() + "' --out '" + cmp.string() + "' --smooth 2 --title 'MF-Q vs IQL'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(cmp.string()), std::string::npos) << r.out;
  expect_png(cmp);
}

TEST_F(PlotScriptTest, ToleratesExtraAndMissingColumns) {
  const fs::path run = dir_ / "synthetic";
  fs::create_directories(run);
  {
    std::ofstream csv(run / "metrics.csv");
    csv << "episode,kills_red,kills_blue,per_agent_return_red,loss,opponent,eval_win_rate\n";
    for (int e = 0; e < 30; ++e)
      csv << e << ',' << e % 7 << ',' << e % 5 << ',' << -10 + 0.2 * e << ',' << (e < 2 ? "null" : "0.25")
          << ",self," << e / 30.0 << '\n';
    csv << "30,1,";  // a row cut short by a killed run
  }
  std::ofstream(run / "config.toml") << "algorithm = 'iql'\n";
  const fs::path by_role = dir_ / "by_role";  // columns by role, an outcome column, a text column
  fs::create_directories(by_role);
  {
    std::ofstream csv(by_role / "metrics.csv");
    csv << "episode,learner_side,outcome,per_agent_return_learner,per_agent_return_opponent,kills_learner,"
           "kills_opponent,loss,temperature\n";
    for (int e = 0; e < 12; ++e)
      csv << e << ',' << (e % 2 ? "blue" : "red") << ',' << (e % 3 == 0 ? "win" : e % 3 == 1 ? "draw" : "loss")
          << ',' << -12 + 0.5 * e << ",-14," << e % 4 << ",2,0.1," << 1.0 / (1 + e) << '\n';
  }
  const fs::path out = dir_ / "synthetic.png";
  const CmdResult r = plot("'" + run.string() + "' '" + by_role.string() + "' --out '" + out.string() + "'");
  if (no_matplotlib(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.code, 0) << r.err;
  expect_png(out);
}

TEST_F(PlotScriptTest, BadRunDirectoriesExit2WithAMessage) {
  const fs::path empty_dir = dir_ / "not_a_run";
  fs::create_directories(empty_dir);
  CmdResult r = plot("'" + empty_dir.string() + "'");
  if (no_matplotlib(r)) GTEST_SKIP() << r.err;
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no metrics.csv"), std::string::npos) << r.err;

  r = plot("'" + (dir_ / "missing").string() + "'");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no such run directory"), std::string::npos) << r.err;

  const fs::path fresh = dir_ / "fresh";
  fs::create_directories(fresh);
  std::ofstream(fresh / "metrics.csv") << "episode,steps,kills_red,kills_blue\n";
  r = plot("'" + fresh.string() + "'");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no episodes yet"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(fresh / "learning_curves.png"));
}

}  // namespace
