// binary_fixture.hpp: what the end-to-end tests of the `myriad` binary share: a scratch folder per
// test, and running the built binary with its exit code, stdout and stderr captured.
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace myriad::test {

struct CmdResult {
  int code = -1;
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("myriad_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `myriad ARGS` (ARGS as a shell would split them); stdout and stderr come back separately.
  CmdResult myriad(const std::string& args) const { return run(MYRIAD_BINARY, args); }

  // Runs `PROGRAM ARGS` through the shell; stdout and stderr come back separately.
  CmdResult run(const std::string& program, const std::string& args) const {
    const std::filesystem::path err_path = dir_ / "stderr.txt";
    const std::string cmd = "'" + program + "' " + args + " 2>'" + err_path.string() + "'";
    CmdResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_text(err_path);
    return r;
  }

  std::filesystem::path dir_;
};

}  // namespace myriad::test
