// cli/train_output.hpp: the run directory of `myriad train`: config.toml, run.json, per-episode
// metrics.csv / metrics.jsonl (on resume: kept through the checkpoint's episode, then appended) and checkpoints/ (ckpt_EEEEEE.bin, latest.bin).
#pragma once
#include <cstdio>
#include <string>

#include "myriad/trainer.hpp"

namespace myriad::cli {

class TrainOutput {
 public:
  // Creates dir (and dir/checkpoints). resumed_from >= 0 (episodes the checkpoint has completed): the
  // metrics files keep their rows of episodes 0..resumed_from-1 (later or torn rows are dropped) and
  // are appended to; -1: they start anew.
  TrainOutput(const std::string& dir, int64_t resumed_from);
  ~TrainOutput();
  TrainOutput(const TrainOutput&) = delete;
  TrainOutput& operator=(const TrainOutput&) = delete;

  const std::string& dir() const { return dir_; }
  void write_config(const std::string& toml_text);
  // run.json: backend, device, commit, seed, command line, date (and the resume point).
  void write_run_json(const std::string& backend, const std::string& device, uint64_t seed,
                      const std::string& command_line, int64_t resumed_from);
  void write_metrics(const EpisodeMetrics& m);  // one csv row and one jsonl line, flushed
  // checkpoints/ckpt_EEEEEE.bin (E = episodes completed) and checkpoints/latest.bin; returns the path.
  std::string write_checkpoint(const Checkpoint& ck);
  void write_latest(const Checkpoint& ck);  // checkpoints/latest.bin alone (the periodic autosave)

 private:
  void checked_write(std::FILE* f, const std::string& text, const char* name);
  std::string dir_;
  std::FILE* csv_ = nullptr;
  std::FILE* jsonl_ = nullptr;
};

// The run directory's latest checkpoint path.
std::string latest_checkpoint_path(const std::string& dir);
// Writes path + ".tmp", then renames it over path (a reader never sees half a file); throws
// std::runtime_error naming the file.
void write_text(const std::string& path, const std::string& text);
// `git rev-parse HEAD` of the working directory, or "unknown".
std::string git_commit();

}  // namespace myriad::cli
