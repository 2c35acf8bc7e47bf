// kill_resume_test.cpp: a training run killed at random moments (SIGKILL) and resumed each time ends
// with every episode in metrics.csv and metrics.jsonl exactly once; SIGTERM ends a run after its
// episode with a checkpoint that --resume continues.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "binary_fixture.hpp"
#include "myriad/checkpoint.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kEpisodes = 80;  // ~5 s uninterrupted on 2 cores: room for a dozen kills

class KillResume : public myriad::test::BinaryTest {
 protected:
  std::vector<std::string> args(bool resume) const {
    std::vector<std::string> a = {MYRIAD_BINARY, "train", "--backend", "cpu", "-q"};
    if (resume) {
      a.insert(a.end(), {"--resume", (dir_ / "run").string()});
    } else {
      for (const char* kv : {"agents_per_team=16", "map_size=24", "max_steps=100", "batch=32", "replay_capacity=4096",
                             "autosave_seconds=0"})
        a.insert(a.end(), {"--set", kv});
      a.insert(a.end(), {"--out", (dir_ / "run").string()});
    }
    a.insert(a.end(), {"--set", "episodes=" + std::to_string(kEpisodes)});
    return a;
  }
  pid_t spawn(bool resume) const {
    std::vector<std::string> a = args(resume);
    std::vector<char*> argv;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
  }
  static int wait_exit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  bool has_latest() const { return fs::exists(dir_ / "run" / "checkpoints/latest.bin"); }
  // The episode numbers of a metrics file's rows, in order (csv: first cell; jsonl: "episode").
  std::vector<int> episodes(const std::string& file) const {
    std::istringstream in(myriad::test::read_text(dir_ / "run" / file));
    std::vector<int> out;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("episode,", 0) == 0) continue;
      const size_t at = line[0] == '{' ? line.find(':') + 1 : 0;
      out.push_back(std::stoi(line.substr(at)));
    }
    return out;
  }
  static std::vector<int> first(int n) {  // episodes are numbered from 0
    std::vector<int> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
    return v;
  }
};

TEST_F(KillResume, KilledAtRandomMomentsEveryEpisodeIsWrittenOnce) {
  // Each try runs until it has saved latest.bin once more (so every try makes progress, however
  // loaded the machine), then lives 0-300 ms longer: the kill lands anywhere in an episode, a
  // metrics row or a checkpoint write.
  std::mt19937 rng(12345);
  const fs::path latest = dir_ / "run" / "checkpoints/latest.bin";
  int kills = 0, resumed_kills = 0;
  bool finished = false;
  for (int attempt = 0; attempt < 12 && !finished; ++attempt) {
    const bool resume = has_latest();
    const auto stamp = resume ? fs::last_write_time(latest) : fs::file_time_type::min();
    const pid_t pid = spawn(resume);
    ASSERT_GT(pid, 0);
    int status = 0;
    for (int i = 0; i < 12000; ++i) {  // up to 60 s
      if (waitpid(pid, &status, WNOHANG) == pid) {
        finished = true;
        break;
      }
      std::error_code ec;
      if (fs::exists(latest, ec) && fs::last_write_time(latest, ec) != stamp) break;
      std::this_thread::sleep_for(5ms);
    }
    if (finished) {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 300)(rng)));
    ::kill(pid, SIGKILL);
    const int code = wait_exit(pid);
    if (code == 0) {
      finished = true;
      break;
    }
    ASSERT_EQ(code, 128 + SIGKILL);
    ++kills;
    resumed_kills += resume;
  }
  if (!finished) ASSERT_EQ(wait_exit(spawn(true)), 0);
  EXPECT_GE(kills, 3) << "the run ended before it could be killed a few times";
  EXPECT_GE(resumed_kills, 2) << "too few resumed runs were killed";
  EXPECT_EQ(episodes("metrics.csv"), first(kEpisodes));
  EXPECT_EQ(episodes("metrics.jsonl"), first(kEpisodes));
  EXPECT_EQ(myriad::read_checkpoint(latest.string()).header.episode, kEpisodes);
}

TEST_F(KillResume, SigtermEndsAfterTheEpisodeWithACheckpoint) {
  const pid_t pid = spawn(false);
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 6000 && !has_latest(); ++i) std::this_thread::sleep_for(10ms);  // up to 60 s
  ASSERT_TRUE(has_latest());
  ::kill(pid, SIGTERM);
  ASSERT_EQ(wait_exit(pid), 130);
  const int64_t at = myriad::read_checkpoint((dir_ / "run" / "checkpoints/latest.bin").string()).header.episode;
  ASSERT_LT(at, kEpisodes) << "the run finished before SIGTERM";
  EXPECT_EQ(episodes("metrics.csv"), first(static_cast<int>(at)));
  ASSERT_EQ(wait_exit(spawn(true)), 0);
  EXPECT_EQ(episodes("metrics.csv"), first(kEpisodes));
}

}  // namespace

namespace {

// `run --stats` stopped by SIGTERM or SIGHUP leaves neither the stats file nor its temporary.
TEST_F(KillResume, RunStoppedBySignalLeavesNoTemporaryFile) {
  for (int sig : {SIGTERM, SIGHUP}) {
    const std::string stats = (dir_ / "stats.json").string();
    std::vector<std::string> a = {MYRIAD_BINARY, "run",   "--backend", "cpu", "--agents-per-team", "2000",
                                  "--steps",     "100000", "--stats",   stats, "-q"};
    std::vector<char*> argv;
    for (auto& x : a) argv.push_back(x.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 12000 && !fs::exists(stats + ".tmp"); ++i) std::this_thread::sleep_for(5ms);  // up to 60 s
    ASSERT_TRUE(fs::exists(stats + ".tmp")) << "the run never opened its stats file";
    ::kill(pid, sig);
    EXPECT_EQ(wait_exit(pid), 130) << strsignal(sig);
    EXPECT_FALSE(fs::exists(stats + ".tmp")) << strsignal(sig);
    EXPECT_FALSE(fs::exists(stats)) << strsignal(sig);
  }
}

}  // namespace
