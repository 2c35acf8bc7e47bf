// checkpoint_test.cpp: the checkpoint format: bit-exact round trips, typed sections, and clear
// errors (never a crash or garbage) for foreign, truncated, damaged, future and crafted files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"

using namespace myriad;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

float from_bits(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
uint32_t bits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }

Checkpoint sample() {
  Checkpoint c;
  c.header.algorithm = "mfq";
  c.header.network_shape = {1234, 256, -1, 21};
  c.header.episode = 1999;
  c.header.env_steps = -(int64_t(1) << 40);
  c.header.updates = std::numeric_limits<int64_t>::max();
  c.header.seed = 0xFEDCBA9876543210ull;
  c.header.config_toml = "[world]\nwidth = 40\nname = \"b\xC3\xA9\"\n";
  c.put_floats("theta", {1.5f, -0.0f, 0.0f, from_bits(0x7FC00001u), from_bits(0xFF800123u),
                         std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min()});
  c.put_u64("adam.step", 0x0123456789ABCDEFull);
  c.put_rng("rng.explore", RngCounter{42, 17, 0xFFFFFFFFFFFFull});
  c.put_bytes("empty", {});
  c.put_bytes("raw", {0, 255, 7});
  return c;
}

// A tiny checkpoint for the exhaustive truncation and bit-flip loops.
Checkpoint small() {
  Checkpoint c;
  c.header.algorithm = "iql";
  c.header.network_shape = {8, 5};
  c.header.config_toml = "a=1";
  c.put_floats("w", {0.25f, -2.0f});
  c.put_u64("n", 3);
  return c;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

class CheckpointFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("myriad_ckpt_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static void write_raw(const std::string& p, const std::vector<uint8_t>& b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
  static std::vector<uint8_t> read_raw(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  fs::path dir_;
};

}  // namespace

TEST(Checkpoint, Crc32KnownAnswer) {
  const char* s = "123456789";
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>(s), 9), 0xCBF43926u);
  EXPECT_EQ(crc32(nullptr, 0), 0u);
  const uint32_t part = crc32(reinterpret_cast<const uint8_t*>(s), 4);
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t*>(s) + 4, 5, part), 0xCBF43926u);
}

TEST(Checkpoint, LayoutStartsWithMagicVersionAndLength) {
  const std::vector<uint8_t> b = encode_checkpoint(small());
  ASSERT_GE(b.size(), 20u);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 8), "MYRIADCK");
  EXPECT_EQ(b[8], kCheckpointVersion);
  EXPECT_EQ(b[9] | b[10] | b[11], 0);
  EXPECT_EQ(b[12] | b[13] << 8, static_cast<int>(b.size()));
  EXPECT_EQ(encode_checkpoint(small()), b);  // deterministic
}

TEST_F(CheckpointFile, RoundTripIsBitExact) {
  const Checkpoint c = sample();
  write_checkpoint(path("a.ckpt"), c);
  EXPECT_FALSE(fs::exists(path("a.ckpt.tmp")));
  const Checkpoint r = read_checkpoint(path("a.ckpt"));
  EXPECT_EQ(r.header.version, kCheckpointVersion);
  EXPECT_EQ(r.header.algorithm, c.header.algorithm);
  EXPECT_EQ(r.header.network_shape, c.header.network_shape);
  EXPECT_EQ(r.header.episode, c.header.episode);
  EXPECT_EQ(r.header.env_steps, c.header.env_steps);
  EXPECT_EQ(r.header.updates, c.header.updates);
  EXPECT_EQ(r.header.seed, c.header.seed);
  EXPECT_EQ(r.header.config_toml, c.header.config_toml);
  ASSERT_EQ(r.sections.size(), c.sections.size());
  for (size_t i = 0; i < c.sections.size(); ++i) {
    EXPECT_EQ(r.sections[i].name, c.sections[i].name);
    EXPECT_EQ(r.sections[i].bytes, c.sections[i].bytes);
  }
  const std::vector<float> want = c.get_floats("theta"), got = r.get_floats("theta");
  ASSERT_EQ(got.size(), 7u);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(bits(got[i]), bits(want[i])) << "float " << i;
  EXPECT_EQ(bits(got[1]), 0x80000000u);  // -0.0 keeps its sign
  EXPECT_EQ(bits(got[3]), 0x7FC00001u);  // NaN payloads survive
  EXPECT_EQ(bits(got[4]), 0xFF800123u);
  EXPECT_EQ(r.get_u64("adam.step"), 0x0123456789ABCDEFull);
  EXPECT_EQ(r.get_rng("rng.explore"), (RngCounter{42, 17, 0xFFFFFFFFFFFFull}));
  EXPECT_TRUE(r.get_bytes("empty").empty());
  EXPECT_EQ(encode_checkpoint(r), encode_checkpoint(c));
}

TEST(Checkpoint, PutReplacesAndGetChecksTypes) {
  Checkpoint c;
  c.put_u64("n", 1);
  c.put_u64("n", 2);
  ASSERT_EQ(c.sections.size(), 1u);
  EXPECT_EQ(c.get_u64("n"), 2u);
  c.put_bytes("odd", {1, 2, 3});
  EXPECT_TRUE(contains(error_of([&] { c.get_floats("odd"); }), "not a whole number of floats"));
  EXPECT_TRUE(contains(error_of([&] { c.get_u64("odd"); }), "'odd' holds 3 bytes"));
  EXPECT_TRUE(contains(error_of([&] { c.get_rng("n"); }), "RNG counter"));
  EXPECT_THROW(c.put_bytes("", {}), std::invalid_argument);
  c.sections.push_back(Section{"n", {}});
  EXPECT_THROW(encode_checkpoint(c), std::invalid_argument);  // duplicate names are refused
}

TEST(Checkpoint, MissingSectionNamesItAndListsThePresentOnes) {
  const Checkpoint c = small();
  EXPECT_FALSE(c.has("theta"));
  EXPECT_EQ(c.find("theta"), nullptr);
  const std::string e = error_of([&] { c.get_floats("theta"); });
  EXPECT_TRUE(contains(e, "no section 'theta'")) << e;
  EXPECT_TRUE(contains(e, "'w', 'n'")) << e;
  EXPECT_TRUE(contains(error_of([&] { Checkpoint().get_u64("x"); }), "sections present: none"));
}

TEST_F(CheckpointFile, ForeignFilesAreNotCheckpoints) {
  const std::string p = path("foreign");
  write_raw(p, {});
  std::string e = error_of([&] { read_checkpoint(p); });
  EXPECT_TRUE(contains(e, p) && contains(e, "is empty")) << e;

  write_raw(p, std::vector<uint8_t>{'{', '"', 'a', '"', ':', ' ', '1', '}', '\n'});
  e = error_of([&] { read_checkpoint(p); });
  EXPECT_TRUE(contains(e, p) && contains(e, "is not a Myriad checkpoint (expected magic MYRIADCK")) << e;

  std::mt19937 gen(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<uint8_t> junk(gen() % 4096);
    for (uint8_t& x : junk) x = static_cast<uint8_t>(gen());
    if (trial % 2) std::memcpy(junk.data(), "MYRIADCK", std::min<size_t>(8, junk.size()));  // past the magic
    write_raw(p, junk);
    e = error_of([&] { read_checkpoint(p); });
    EXPECT_TRUE(contains(e, p)) << "trial " << trial << ": " << e;
  }
  EXPECT_TRUE(contains(error_of([&] { read_checkpoint(path("absent")); }), "No such file"));
  EXPECT_TRUE(contains(error_of([&] { read_checkpoint(dir_.string()); }), "not a regular file"));
}

TEST_F(CheckpointFile, EveryTruncationIsReported) {
  const std::vector<uint8_t> full = encode_checkpoint(small());
  const std::string p = path("cut.ckpt");
  for (size_t len = 0; len < full.size(); ++len) {
    write_raw(p, std::vector<uint8_t>(full.begin(), full.begin() + len));
    const std::string e = error_of([&] { read_checkpoint(p); });
    EXPECT_TRUE(contains(e, p)) << e;
    if (len == 0) {
      EXPECT_TRUE(contains(e, "is empty")) << e;
    } else {
      EXPECT_TRUE(contains(e, "truncated at byte " + std::to_string(len) + " of ")) << e;
    }
    if (len >= 20) EXPECT_TRUE(contains(e, " of " + std::to_string(full.size()))) << e;
  }
  std::vector<uint8_t> longer = full;
  longer.push_back(0);
  write_raw(p, longer);
  const std::string e = error_of([&] { read_checkpoint(p); });
  EXPECT_TRUE(contains(e, "damaged: it has " + std::to_string(longer.size()) + " bytes but declares " +
                              std::to_string(full.size()))) << e;
}

TEST_F(CheckpointFile, EverySingleByteChangeIsDetected) {
  const std::vector<uint8_t> full = encode_checkpoint(small());
  const std::string p = path("flip.ckpt");
  for (size_t i = 0; i < full.size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      std::vector<uint8_t> bad = full;
      bad[i] ^= mask;
      write_raw(p, bad);
      const std::string e = error_of([&] { read_checkpoint(p); });
      EXPECT_TRUE(contains(e, p)) << "byte " << i << ": " << e;
      if (i >= 20) EXPECT_TRUE(contains(e, "damaged: checksum mismatch")) << "byte " << i << ": " << e;
    }
  }
}

TEST_F(CheckpointFile, FutureVersionIsRefused) {
  std::vector<uint8_t> b = encode_checkpoint(small());
  b[8] = 7;
  const std::string p = path("future.ckpt");
  write_raw(p, b);
  const std::string e = error_of([&] { read_checkpoint(p); });
  EXPECT_TRUE(contains(e, p)) << e;
  EXPECT_TRUE(contains(e, "written by format version 7; this build reads version 1")) << e;
  EXPECT_TRUE(contains(e, "newer Myriad build")) << e;
}

// Files with a valid checksum but hostile lengths: bounded before any allocation.
TEST(Checkpoint, CraftedLengthsAreBoundedByTheFile) {
  const std::vector<uint8_t> good = encode_checkpoint(small());
  auto patch = [&](size_t at, uint64_t v, int width) {
    std::vector<uint8_t> b = good;
    for (int k = 0; k < width; ++k) b[at + k] = static_cast<uint8_t>(v >> (8 * k));
    const uint32_t crc = crc32(b.data(), b.size() - 4);
    for (int k = 0; k < 4; ++k) b[b.size() - 4 + k] = static_cast<uint8_t>(crc >> (8 * k));
    return error_of([&] { decode_checkpoint(b, "x.ckpt"); });
  };
  const size_t header_len = 20, algo_len = 28;
  const size_t count_at = 28 + (good[20] | good[21] << 8);  // section count follows the header
  const size_t name_len = count_at + 4, sec_len = name_len + 4 + 1;  // first section is "w"
  for (uint64_t huge : {uint64_t{0xFFFFFFFF}, ~uint64_t{0}, (uint64_t{1} << 62) | 0x10000, uint64_t{1000}}) {
    EXPECT_TRUE(contains(patch(header_len, huge, 8), "the header at byte 28 needs")) << huge;
    EXPECT_TRUE(contains(patch(algo_len, huge, 4), "the algorithm name")) << huge;
    EXPECT_TRUE(contains(patch(count_at, huge, 4), "sections but only")) << huge;
    EXPECT_TRUE(contains(patch(name_len, huge, 4), "a section name")) << huge;
    const std::string e = patch(sec_len, huge, 8);
    EXPECT_TRUE(contains(e, "section 'w' declares") && contains(e, "left in the file")) << e;
  }
  const uint64_t real_header = count_at - 28;
  EXPECT_TRUE(contains(patch(header_len, real_header + 4, 8), "but its fields use"));
  EXPECT_TRUE(contains(patch(header_len, real_header - 4, 8), "config_toml"));
  EXPECT_TRUE(contains(patch(count_at, 1, 4), "bytes between the last section and the checksum"));
  EXPECT_TRUE(contains(patch(name_len + 4, 'n', 1), "repeated name 'n'"));
  EXPECT_TRUE(contains(patch(12, 30, 8), "damaged")) << patch(12, 30, 8);
}

TEST_F(CheckpointFile, WriteIsAtomic) {
  const std::string p = path("run.ckpt");
  write_checkpoint(p, small());
  const std::vector<uint8_t> before = read_raw(p);
  write_checkpoint(p, sample());  // replaced on success
  EXPECT_EQ(read_checkpoint(p).header.algorithm, "mfq");
  EXPECT_FALSE(fs::exists(p + ".tmp"));
  write_checkpoint(p, small());
  EXPECT_EQ(read_raw(p), before);

  // The .tmp cannot be created (a directory is in the way): the old checkpoint is untouched.
  fs::create_directory(p + ".tmp");
  std::string e = error_of([&] { write_checkpoint(p, sample()); });
  EXPECT_TRUE(contains(e, p + ".tmp")) << e;
  EXPECT_EQ(read_raw(p), before);
  EXPECT_EQ(read_checkpoint(p).header.algorithm, "iql");
  fs::remove(p + ".tmp");

  // A missing directory: a clear error and nothing created.
  const std::string q = path("no/such/dir/run.ckpt");
  e = error_of([&] { write_checkpoint(q, sample()); });
  EXPECT_TRUE(contains(e, q + ".tmp") && contains(e, "does the directory exist")) << e;
  EXPECT_FALSE(fs::exists(path("no")));
  EXPECT_EQ(read_raw(p), before);
  EXPECT_EQ(fs::directory_iterator(dir_) == fs::directory_iterator(), false);
  for (const auto& entry : fs::directory_iterator(dir_)) EXPECT_EQ(entry.path().filename(), "run.ckpt");
}
