// cli/train_command.hpp: `myriad train`: MF-Q / IQL training of the red team of a battle against a
// random or scripted opponent, from a TOML config and --set overrides, into a run directory.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "myriad/train_config.hpp"
#include "myriad/world.hpp"

namespace myriad::cli {

struct TrainOptions {
  std::string config_path;
  std::vector<std::string> sets;
  std::string scenario;      // --scenario: as --set scenario=... (applied before the --set list)
  std::string init_from;     // --init-from: as --set init_from=...
  std::string backend = "auto";
  std::string out;
  std::string resume;
  bool quiet = false;
  int64_t render_every = 0;       // episodes: frames of every K-th training episode (0: none)
  int64_t render_steps = 10;      // steps between frames of a rendered episode
  bool render_video = false;      // also an MP4 per rendered episode (needs ffmpeg)
  std::string command_line;  // argv joined, for run.json
};

// The checked options: the backend (auto resolved) and the run's config.
struct TrainSettings {
  BackendKind kind = BackendKind::kCpu;
  TrainConfig config;
};

CLI::App* add_train_command(CLI::App& app, TrainOptions& o);
// Exit code: 0 done, 1 failure during training, 2 bad config or options, 130 interrupted.
int train_command(const TrainOptions& o);
// The config of o (config file, or the resumed run's config.toml, then --set in order), resolved
// for the backend and validated; throws ConfigError / UsageError.
TrainConfig load_train_config(const TrainOptions& o, bool cuda);
// The backend and load_train_config, and --out beside --resume; throws ConfigError / UsageError.
TrainSettings train_settings(const TrainOptions& o);

}  // namespace myriad::cli
