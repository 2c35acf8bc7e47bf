// cli/stats_writer.hpp: the per-step JSONL log of `myriad run --stats`, written to FILE.tmp and
// renamed at the end, so that a failed or interrupted run never leaves a partial FILE behind.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "myriad/world.hpp"

namespace myriad::cli {

class StatsWriter {
 public:
  // An empty path disables the writer. Throws UsageError naming --stats when FILE.tmp cannot be
  // created (a missing directory, no permission).
  StatsWriter(std::string path, std::vector<std::string> group_names);
  ~StatsWriter();  // removes FILE.tmp unless commit() succeeded
  StatsWriter(const StatsWriter&) = delete;
  StatsWriter& operator=(const StatsWriter&) = delete;

  bool enabled() const { return file_ != nullptr; }
  // One line: {"episode","step","alive","kills","hits","reward" (objects keyed by team),
  // "done","truncated"}. Throws std::runtime_error when the disk refuses the write.
  void write(int64_t episode, const StepStats& s);
  // Flushes, closes and renames FILE.tmp to FILE. Throws std::runtime_error on failure.
  void commit();

 private:
  std::string path_, tmp_path_;
  std::vector<std::string> names_;
  std::FILE* file_ = nullptr;
  std::string line_;
};

}  // namespace myriad::cli
