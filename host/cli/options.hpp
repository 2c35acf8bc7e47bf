// cli/options.hpp: the `myriad run` options as typed on the command line and their parsing into a
// WorldConfig, per-team policies and a backend, with one-line usage errors that name the option.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/world.hpp"

namespace myriad::cli {

// A bad command line: the message names the option and what would be valid; exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The `run` options as typed (numbers stay text so that a bad value gets a message of ours).
struct RunOptions {
  std::string scenario = "battle";
  std::string map_size = "45";          // used only when given (see map_size_set)
  std::string agents_per_team = "81";   // used only when given (see agents_set)
  std::string agents = "162";           // the whole population; used only when given (see total_set)
  bool map_size_set = false, agents_set = false, total_set = false, steps_set = false;
  std::string placement = "default";
  std::string policy = "random";             // one policy for every group, or GROUP=P,...
  std::string steps = "1000";           // used only when given (else the game's max_cycles)
  std::string episodes = "1";
  std::string seed = "0";
  std::string backend = "auto";
  std::string stats_path;
  bool minimap = false;
  std::string mean_radius = "6";
  std::string mean_metric = "chebyshev";
  std::string mean_mode = "radius";
  std::string obs_dtype = "f32";
  bool greedy_actor = false;            // actor-critic checkpoints play argmax π instead of sampling π
  bool quiet = false;
  // Frames (myriad render: --every/--out/--video/--size/--crop/--fps; myriad run: --render-every/--render-dir).
  bool render_command = false;  // option names in messages: --every (render) or --render-every (run)
  std::string render_every = "0";
  std::string render_dir, video, crop;
  std::string size = "1024";
  std::string fps = "10";
};

// Frames to write while playing: a PNG in dir and/or a video frame every `every` steps.
struct RenderSettings {
  int64_t every = 0;  // 0: no frames
  std::string dir, video;
  int fps = 10;
  RenderParams params;
  bool enabled() const { return every > 0; }
};

// What a run needs, checked: a valid config, one policy per group, the backend and the loop counts.
struct RunSettings {
  WorldConfig cfg;
  std::vector<PolicySpec> policies;
  std::vector<std::string> checkpoints;  // per group: a checkpoint whose network plays it, or ""
  bool greedy_actor = false;             // their actors (MF-AC, AC) play argmax π instead of sampling π
  BackendKind backend = BackendKind::kAuto;
  int64_t episodes = 1;
  uint64_t seed = 0;
  std::string stats_path;
  bool quiet = false;
  std::string note;  // an adjustment worth telling the user (e.g. a derived map side raised)
  RenderSettings render;
};

// Strict number parsing: the whole text must be the number. Throw UsageError naming `option`.
int64_t parse_int_option(const std::string& option, const std::string& text, int64_t min_value);
uint64_t parse_seed_option(const std::string& option, const std::string& text);
double parse_float_option(const std::string& option, const std::string& text);

// "random", "random:A-B" (0 <= A <= B < n_actions), "noop" or "scripted".
PolicySpec parse_policy(const std::string& text, const std::string& team, int n_actions);
// "red=P,blue=P" (teams by group name, any subset, the rest random) or one "P" for every team. With
// `checkpoints`, P may also be a checkpoint file (*.bin) or a training run directory (its latest
// checkpoint): checkpoints[g] gets the file and policies[g] is noop.
std::vector<PolicySpec> parse_policies(const std::string& text, const WorldConfig& cfg,
                                       std::vector<std::string>* checkpoints = nullptr);
std::string describe_policy(const PolicySpec& p);

// A checkpoint named on the command line: a training run directory (its checkpoints/latest.bin), an
// existing file, or a *.bin path; "" when text is none of these. Throws UsageError naming `option`
// for a run directory without checkpoints or a *.bin that does not exist.
std::string checkpoint_argument(const std::string& option, const std::string& text);

// The library's messages name configuration keys (map_size, agents_per_team, ...); the command line's
// options are their flags (--map-size, --agents-per-team, ...).
std::string with_flag_names(std::string message);
// A game by name (ours or MAgent2's); throws UsageError naming --scenario and listing the six.
Scenario parse_scenario_option(const std::string& text);

// auto, cpu or cuda; throws UsageError naming --backend otherwise.
BackendKind parse_backend_option(const std::string& text);
// Throws UsageError when cuda is asked for and no device answers (auto falls back to the CPU).
void require_backend_available(BackendKind kind);

// Registers the options that define the world and its play (scenario, sizes, placement, policy,
// steps, seed, backend, observation and mean-action choices), shared by `run` and `render`.
void add_world_options(CLI::App& sub, RunOptions& o);

// Builds and validates everything; throws UsageError with the message to print.
RunSettings parse_run_options(const RunOptions& o);

}  // namespace myriad::cli
