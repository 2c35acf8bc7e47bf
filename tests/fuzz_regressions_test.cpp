// fuzz_regressions_test.cpp: every input the fuzzers found a bug with (tests/data/fuzz_regressions/TARGET/)
// and every seed of their corpora (fuzz/corpus/TARGET/) through the same entry functions as the
// libFuzzer targets (fuzz/fuzz_entries.hpp, fuzz/fuzz_cli_entry.hpp), in the normal build: each must be
// accepted or refused with a one-line std::exception, never crash or break an invariant (a Finding).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/fuzz_cli_entry.hpp"

namespace fs = std::filesystem;

namespace {

using Entry = std::string (*)(const uint8_t*, size_t);

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> out;
  for (const fs::path dir : {fs::path(MYRIAD_TEST_DATA) / "fuzz_regressions" / target,
                             fs::path(MYRIAD_TEST_DATA) / ".." / ".." / "fuzz" / "corpus" / target}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string file_bytes(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string run_entry(Entry entry, const std::string& bytes) {
  return entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

// Returns how many inputs ran; each failure names its file.
size_t run_all(const std::string& target, Entry entry) {
  const std::vector<fs::path> files = inputs_of(target);
  for (const fs::path& f : files) {
    const std::string bytes = file_bytes(f);
    try {
      const std::string refusal = run_entry(entry, bytes);
      EXPECT_EQ(refusal.find('\n'), std::string::npos) << f;
    } catch (const myriad::fuzz::Finding& e) {
      ADD_FAILURE() << f << ": " << e.what;
    } catch (const std::exception& e) {
      ADD_FAILURE() << f << ": an exception escaped the entry: " << e.what();
    } catch (...) {
      ADD_FAILURE() << f << ": a non-standard exception escaped the entry";
    }
  }
  return files.size();
}

}  // namespace

TEST(FuzzRegressions, Checkpoint) { EXPECT_GT(run_all("checkpoint", myriad::fuzz::checkpoint_entry), 0u); }
TEST(FuzzRegressions, TrainConfig) { EXPECT_GT(run_all("train_config", myriad::fuzz::train_config_entry), 0u); }
TEST(FuzzRegressions, Conformance) { EXPECT_GT(run_all("conformance", myriad::fuzz::conformance_entry), 0u); }
TEST(FuzzRegressions, Cli) { EXPECT_GT(run_all("cli", myriad::fuzz::cli_entry), 0u); }

static std::string conformance_refusal(const std::string& file) {
  const std::string text = file_bytes(fs::path(MYRIAD_TEST_DATA) / "fuzz_regressions" / "conformance" / file);
  EXPECT_FALSE(text.empty()) << file;
  return run_entry(myriad::fuzz::conformance_entry, text);
}

// The vectors that replayed without bound (a repeated step t, 1500 steps on a 1024 map, the default
// layout of a 4096 map) are refused before any world is built, each with what would be valid.
TEST(FuzzRegressions, ConformanceRefusesUnboundedReplays) {
  for (const char* file : {"repeated_step_t.json", "slow_1500_steps_on_map_1024.json",
                           "slow_default_placement_map_4096.json"}) {
    const std::string refusal = conformance_refusal(file);
    EXPECT_NE(refusal.find("malformed conformance vector"), std::string::npos) << file << ": " << refusal;
  }
}

// An agent's integer field given as a float beyond long long (found by fuzz_conformance: the
// conversion was undefined behaviour) or as an unsigned integer beyond it is refused, naming the field.
TEST(FuzzRegressions, ConformanceRefusesIntegerFieldsBeyondLongLong) {
  const std::string as_float = conformance_refusal("float_agent_x_beyond_long_long.json");
  EXPECT_NE(as_float.find("red:0 x must be an integer"), std::string::npos) << as_float;
  const std::string as_unsigned = conformance_refusal("unsigned_agent_id_beyond_long_long.json");
  EXPECT_NE(as_unsigned.find("red:0 id is too large"), std::string::npos) << as_unsigned;
}
