// full_disk_test.cpp: on a tiny tmpfs (mounted by the test; skipped where mounting is not allowed)
// train, run --stats, eval/bench --json and render (PNG frames, MP4) stop at the first failed write
// with one line naming the file, leave no temporary file, and what they wrote before stays whole.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "binary_fixture.hpp"
#include "png_writer.hpp"
#include "video_writer.hpp"

namespace {

namespace fs = std::filesystem;

class FullDisk : public myriad::test::BinaryTest {
 protected:
  void SetUp() override {
    BinaryTest::SetUp();
    disk_ = dir_ / "disk";
    fs::create_directories(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=1500k") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here (needs root in a mount namespace)";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount(disk_.c_str());
    BinaryTest::TearDown();
  }
  int temporaries() const {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(disk_))
      n += e.path().extension() == ".tmp";
    return n;
  }
  fs::path disk_;
  bool mounted_ = false;
};

TEST_F(FullDisk, TrainStopsAtTheFirstFailedWrite) {
  const fs::path run = disk_ / "run";
  const myriad::test::CmdResult r =
      myriad("train --backend cpu -q --set agents_per_team=8 --set map_size=20 --set max_steps=40 --set batch=32 "
             "--set replay_capacity=4096 --set episodes=50 --set autosave_seconds=0 --out '" + run.string() + "'");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("latest.bin"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(temporaries(), 0);
  const std::string csv = myriad::test::read_text(run / "metrics.csv");
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv.back(), '\n') << "a torn metrics row";
  EXPECT_LT(std::count(csv.begin(), csv.end(), '\n'), 51) << "the run went on after the failed write";
  EXPECT_FALSE(myriad::test::read_text(run / "config.toml").empty());
}

TEST_F(FullDisk, RunStatsFailsWithoutATemporaryFile) {
  const std::string stats = (disk_ / "stats.json").string();
  const myriad::test::CmdResult r =
      myriad("run --backend cpu -q --agents-per-team 10 --steps 30000 --stats '" + stats + "'");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("stats"), std::string::npos) << r.err;
  EXPECT_EQ(temporaries(), 0);
  EXPECT_FALSE(fs::exists(stats));
}

// eval --json and bench --json on a full disk: an error, no temporary, and a result file already
// there is left as it was (written through a temporary, never in place).
TEST_F(FullDisk, JsonResultsFailWholeOnAFullDisk) {
  const fs::path eval = disk_ / "eval.json", bench = disk_ / "bench.json";
  std::ofstream(eval) << "previous\n";
  std::ofstream(bench) << "previous\n";
  {  // fill the disk
    std::ofstream fill(disk_ / "fill", std::ios::binary);
    const std::string block(4096, 'x');
    while (fill.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
  }
  const myriad::test::CmdResult e = myriad(
      "eval scripted random -e 1 --agents-per-team 8 --map-size 20 --max-steps 20 --backend cpu -q --json '" +
      eval.string() + "'");
  EXPECT_NE(e.code, 0);
  EXPECT_NE(e.err.find("eval.json"), std::string::npos) << e.err;
  const myriad::test::CmdResult b =
      myriad("bench --workload acting --agents 200 --steps 2 --warmup 1 --backend cpu --json '" + bench.string() + "'");
  EXPECT_NE(b.code, 0);
  EXPECT_NE(b.err.find("bench.json"), std::string::npos) << b.err;
  EXPECT_EQ(temporaries(), 0);
  EXPECT_EQ(myriad::test::read_text(eval), "previous\n");
  EXPECT_EQ(myriad::test::read_text(bench), "previous\n");
}

// render: the frame that does not fit is an error naming it and the free space; the frames before it
// are whole PNGs, and no temporary is left.
TEST_F(FullDisk, RenderStopsAtTheFirstFrameThatDoesNotFit) {
  const fs::path frames = disk_ / "frames";
  const myriad::test::CmdResult r =
      myriad("render --backend cpu -q --agents-per-team 300 --steps 400 --every 1 --out '" + frames.string() + "'");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("MiB free"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("frame_"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(temporaries(), 0);
  int pngs = 0;
  for (const auto& e : fs::directory_iterator(frames)) {
    int w = 0, h = 0;
    EXPECT_FALSE(myriad::read_png(e.path().string(), w, h).empty()) << e.path();
    ++pngs;
  }
  EXPECT_GT(pngs, 1);
  EXPECT_LT(pngs, 401) << "every frame fitted: the disk was not full";
}

TEST_F(FullDisk, RenderVideoFailsWithoutATemporaryFile) {
  if (!myriad::ffmpeg_available()) GTEST_SKIP() << "no ffmpeg on PATH";
  const fs::path video = disk_ / "battle.mp4";
  const myriad::test::CmdResult r = myriad("render --backend cpu -q --agents-per-team 2000 --steps 300 --every 1 "
                                           "--size 1024 --video '" + video.string() + "'");
  EXPECT_NE(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("battle.mp4"), std::string::npos) << r.err;
  EXPECT_EQ(temporaries(), 0);
  EXPECT_FALSE(fs::exists(video));
}

}  // namespace
