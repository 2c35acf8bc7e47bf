// input_file_test.cpp: files the user names are read only when they are regular files, never past a
// bound, and never by waiting on a FIFO; the CLI turns each refusal into one line and exit 2.
#include "myriad/input_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>

#include "binary_fixture.hpp"

namespace myriad {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::string& path, uint64_t max_bytes = 1 << 20) {
  try {
    read_input_file(path, "config", max_bytes);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

class InputFile : public test::BinaryTest {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

TEST_F(InputFile, ReadsARegularFileWhole) {
  std::string big(100000, 'x');
  big[99999] = 'y';
  EXPECT_EQ(read_input_text(write("a.toml", big), "config", 1 << 20), big);
  EXPECT_EQ(read_input_text(write("empty.toml", ""), "config", 1 << 20), "");
  EXPECT_EQ(read_input_text(write("exact.toml", "12345"), "config", 5), "12345");
}

TEST_F(InputFile, RefusesWhatIsNotARegularFile) {
  EXPECT_NE(error_of(dir_.string()).find("not a regular file (a directory)"), std::string::npos) << error_of(dir_.string());
  EXPECT_NE(error_of("/dev/zero").find("a character device"), std::string::npos) << error_of("/dev/zero");
  EXPECT_NE(error_of((dir_ / "missing").string()).find("cannot open"), std::string::npos);
}

TEST_F(InputFile, RefusesAFifoWithoutWaitingForAWriter) {
  const std::string fifo = (dir_ / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto done = std::async(std::launch::async, [&] { return error_of(fifo); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "reading a FIFO blocked";
  EXPECT_NE(done.get().find("a FIFO"), std::string::npos);
}

TEST_F(InputFile, RefusesMoreThanTheBound) {
  const std::string e = error_of(write("big.toml", std::string(6, 'x')), 5);
  EXPECT_NE(e.find("holds 6 bytes; at most 5"), std::string::npos) << e;
}

TEST_F(InputFile, CliRefusesEachWithExitTwo) {
  const std::string fifo = (dir_ / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string big = write("big.toml", std::string((1 << 20) + 1, '#'));
  const std::string out = (dir_ / "run").string();
  for (const std::string& args :
       {"train --config '" + dir_.string() + "' --out '" + out + "'", "train --config '" + fifo + "' --out '" + out + "'",
        "train --config /dev/zero --out '" + out + "'", "train --config '" + big + "' --out '" + out + "'",
        "eval '" + fifo + "' random --episodes 1", "run --policy red='" + fifo + "' --steps 1", "conform '" + fifo + "'", "conform '" + dir_.string() + "'"}) {
    const test::CmdResult r = myriad(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
}

}  // namespace
}  // namespace myriad
