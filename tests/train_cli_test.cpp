// train_cli_test.cpp: `myriad train` through the binary: a tiny run's directory (config, run.json,
// metrics, checkpoints), --resume continuing the episode counter, and bad configs exiting 2.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <limits>
#include <string>
#include <vector>

#include "binary_fixture.hpp"
#include "myriad/checkpoint.hpp"

namespace {

namespace fs = std::filesystem;

using Result = myriad::test::CmdResult;
using myriad::test::read_text;
std::string slurp(const fs::path& p) { return read_text(p); }

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

class TrainCliTest : public myriad::test::BinaryTest {
 protected:
  Result train(const std::string& args) const { return myriad("train --backend cpu " + args); }
  const std::string tiny = "--set agents_per_team=8 --set map_size=20 --set max_steps=40 --set batch=32 --set replay_capacity=4096 ";
};

TEST_F(TrainCliTest, TinyRunWritesTheRunDirectoryAndResumeContinues) {
  const fs::path run = dir_ / "run";
  Result r = train(tiny + "--set episodes=2 --set checkpoint_every=1 --out '" + run.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"config.toml", "run.json", "metrics.csv", "metrics.jsonl", "checkpoints/ckpt_000001.bin",
                        "checkpoints/ckpt_000002.bin", "checkpoints/latest.bin"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  EXPECT_NE(slurp(run / "run.json").find("\"backend\": \"cpu\""), std::string::npos);
  EXPECT_EQ(count_lines(slurp(run / "metrics.csv")), 3);  // header + 2 episodes
  EXPECT_EQ(count_lines(slurp(run / "metrics.jsonl")), 2);
  const myriad::Checkpoint before = myriad::read_checkpoint((run / "checkpoints/latest.bin").string());
  EXPECT_EQ(before.header.episode, 2);

  r = train("--resume '" + run.string() + "' --set episodes=3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("not restored"), std::string::npos) << r.out;
  const std::string csv = slurp(run / "metrics.csv");
  EXPECT_EQ(count_lines(csv), 4);
  EXPECT_NE(csv.find("\n2,"), std::string::npos) << csv;
  const myriad::Checkpoint after = myriad::read_checkpoint((run / "checkpoints/latest.bin").string());
  EXPECT_EQ(after.header.episode, 3);
  EXPECT_GT(after.header.updates, before.header.updates);
}

TEST_F(TrainCliTest, InitFromStartsAnotherPopulationAndRefusesAnotherGame) {
  const fs::path small = dir_ / "small", big = dir_ / "big";
  Result r = train(tiny + "--set episodes=1 --out '" + small.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string ck = (small / "checkpoints/latest.bin").string();
  r = train("--set agents_per_team=20 --set map_size=28 --set max_steps=40 --set batch=32 --set replay_capacity=4096 "
            "--set episodes=1 --init-from '" + ck + "' --out '" + big.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp(big / "config.toml").find("init_from"), std::string::npos);
  r = train("--scenario battlefield --set episodes=1 --init-from '" + ck + "' --out '" + (dir_ / "bf").string() + "'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("trained on battle"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "bf")) << "refused before the run directory is made";
}

TEST_F(TrainCliTest, RenderEveryWritesFramesOfEveryKthEpisode) {
  const fs::path run = dir_ / "run";
  Result r = train(tiny + "--set episodes=3 --render-every 2 --render-steps 20 -q --out '" + run.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"frames/episode_000000/frame_000020.png", "frames/episode_000000/frame_000040.png",
                        "frames/episode_000002/frame_000040.png"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  EXPECT_FALSE(fs::exists(run / "frames/episode_000001")) << "episode 1 is not a multiple of 2";
  EXPECT_EQ(count_lines(slurp(run / "metrics.csv")), 4) << "rendered episodes still train and log";
}

TEST_F(TrainCliTest, BadConfigsExit2WithOneLine) {
  const fs::path bad = dir_ / "bad.toml";
  std::ofstream(bad) << "episodes = 2\nlearning_rate = 0.1\n";
  const fs::path broken = dir_ / "broken.toml";
  std::ofstream(broken) << "episodes = \n";
  for (const std::string& args :
       {std::string("--set gamma=2"), std::string("--set bogus=1"), std::string("--set algorithm=ppo"),
        std::string("--set episodes=0"), std::string("--set opponent=frozen"), std::string("--set lr=fast"),
        "--config '" + bad.string() + "'", "--config '" + broken.string() + "'",
        "--config '" + (dir_ / "missing.toml").string() + "'", std::string("--set store_fraction=0"),
        std::string("--set hidden=[]"), std::string("--set map_size=10")}) {
    const Result r = train(args + " --out '" + (dir_ / "never").string() + "'");
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "never")) << args;
  }
}

}  // namespace

namespace {

// A checkpoint that does not belong to the run, or is damaged behind a valid CRC, is refused at
// resume, eval and --policy with what differs; exit 2, and the run's files are left as they were.
class CheckpointRefusalTest : public TrainCliTest {
 protected:
  fs::path make_run(const std::string& name, const std::string& extra) {
    const fs::path run = dir_ / name;
    const Result r = train(tiny + "--set episodes=1 " + extra + "--out '" + run.string() + "'");
    EXPECT_EQ(r.code, 0) << r.err;
    return run;
  }
  static std::string latest(const fs::path& run) { return (run / "checkpoints/latest.bin").string(); }
  void expect_refused(const std::string& args, const std::string& says) {
    const Result r = myriad(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
  }
};

TEST_F(CheckpointRefusalTest, DamagedCountersAndWeightsAreRefused) {
  const fs::path run = make_run("run", "");
  const std::string csv_before = slurp(run / "metrics.csv");
  myriad::Checkpoint ck = myriad::read_checkpoint(latest(run));
  const myriad::Checkpoint good = ck;

  ck.put_u64("episode", ~uint64_t{0});  // -1 when signed: an index before the first episode
  myriad::write_checkpoint(latest(run), ck);
  expect_refused("train --backend cpu --resume '" + run.string() + "' --set episodes=2", "'episode'");

  ck = good;
  std::vector<float> w = ck.get_floats("red.online");
  w[3] = std::numeric_limits<float>::quiet_NaN();
  ck.put_floats("red.online", w);
  myriad::write_checkpoint(latest(run), ck);
  expect_refused("train --backend cpu --resume '" + run.string() + "' --set episodes=2", "finite");
  expect_refused("eval '" + latest(run) + "' random --episodes 1 --backend cpu", "finite");
  expect_refused("run --backend cpu --agents-per-team 8 --map-size 20 --steps 1 --policy red='" + latest(run) + "'",
                 "finite");
  EXPECT_EQ(slurp(run / "metrics.csv"), csv_before);

  // A header that declares a huge hidden layer is refused before anything of that size is allocated:
  // against the learner's shape section, and in a checkpoint without one (written before there were
  // several learner shapes) against its network's section.
  ck = good;
  ck.header.network_shape = {ck.header.network_shape.front(), 1000000, ck.header.network_shape.back()};
  myriad::write_checkpoint(latest(run), ck);
  expect_refused("eval '" + latest(run) + "' random --episodes 1 --backend cpu", "section red.shape");
  ck.sections.erase(std::remove_if(ck.sections.begin(), ck.sections.end(),
                                   [](const myriad::Section& s) { return s.name == "red.shape"; }),
                    ck.sections.end());
  myriad::write_checkpoint(latest(run), ck);
  expect_refused("eval '" + latest(run) + "' random --episodes 1 --backend cpu", "section red.online holds");
}

TEST_F(CheckpointRefusalTest, AnotherRunsOpponentModeIsRefused) {
  const fs::path mine = make_run("random_run", "");
  const fs::path theirs = make_run("both_run", "--set opponent=both_learn ");
  fs::copy_file(latest(theirs), latest(mine), fs::copy_options::overwrite_existing);
  expect_refused("train --backend cpu --resume '" + mine.string() + "' --set episodes=2", "opponent both_learn");
}

}  // namespace
