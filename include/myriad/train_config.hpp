// train_config.hpp: the settings of `myriad train` (algorithm, world, exploration, optimiser, replay,
// run length), their TOML form (toml++) and `key=value` overrides, with one-line errors.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace myriad {

// A bad config file or value: one line naming the key and what would be valid (exit code 2).
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A field left at kAuto takes the backend's default in resolve_defaults (0 is an ordinary value).
inline constexpr int64_t kAuto = -(int64_t{1} << 62);

struct TrainConfig {
  std::string scenario = "battle";    // a game of two teams of one type: battle | battlefield
  std::string algorithm = "mfq";      // mfq | iql
  int64_t episodes = kAuto;           // kAuto: the backend's default (see resolve_defaults)
  int64_t agents_per_team = kAuto;    // battle: 64 on the CPU, 131072 on the GPU; 0: the game's population
  int64_t map_size = kAuto;           // battle: 40 on the CPU, 1811 on the GPU (MAgent's density); 0: the game's
  int64_t max_steps = 400;
  bool minimap = false;               // the two minimap channels per group and x/W, y/H features
  // The world's observation buffers: auto is bf16 with CUDA (half the bytes per agent; the replay
  // keeps views as bf16 anyway) and f32 on the CPU.
  std::string obs_dtype = "auto";     // auto | f32 | bf16
  // random | scripted | frozen (opponent_checkpoint, greedy) | both_learn (a second learner with its
  // own network) | selfplay_lagged (a copy that takes 0.99·learner + 0.01·itself after each round won)
  std::string opponent = "random";
  std::string opponent_checkpoint;    // the frozen opponent's checkpoint (its red network)
  // A checkpoint of the same game, algorithm and network shape (any population) whose red network
  // starts every learner (online and target) and the lagged opponent; Adam and counters start fresh.
  std::string init_from;
  bool swap_sides = true;             // the learner plays red in even episodes, blue in odd ones
  std::string exploration = "boltzmann";  // boltzmann | epsilon
  double temperature_start = 1.0, temperature_end = 0.1;
  int64_t anneal_episodes = kAuto;    // half the episodes
  double epsilon_start = 1.0, epsilon_end = 0.05;
  std::string target = "boltzmann";   // boltzmann | greedy_double (MF-Q; IQL is always greedy_double)
  double target_temperature = 0.1;
  // lr 1e-3, not the paper's 1e-4 (algorithms.md: "lr re-tuned" with the batch): at batch 256 and
  // replay ratio 2, 1e-4 had not learned to fight after 100 CPU episodes; 1e-3 wins from ~130-180.
  double lr = 1e-3, gamma = 0.95, tau = 0.005, clip_norm = 10.0;
  int64_t target_copy_every = 0;      // > 0: hard copy θ⁻ ← θ every C gradient steps instead of soft τ
  int64_t batch = kAuto;              // 256 CPU, 32768 CUDA
  int64_t replay_capacity = kAuto;
  double store_fraction = -1;    // < 0: auto, 0.5 on the CPU (replay ratio 2), 1/16 on the GPU (ratio 1)
  int64_t update_every = 4, updates_per_step = 1;
  // Transitions appended to the replay per staging chunk: the staging buffers hold this many
  // (o, o′ split; ~7 KB each with a 13×13×5 view), not a whole team.
  int64_t store_chunk = 32768;
  int64_t warmup = kAuto;             // transitions stored before the first update (one batch)
  std::vector<int64_t> hidden{128, 64};
  // CUDA networks' matrix math: auto is tf32 with CUDA (tensor cores; ~1e-3 relative error), fp32
  // on the CPU, whose network is always FP32.
  std::string network_math = "auto";  // auto | fp32 | tf32
  uint64_t seed = 0;
  int64_t checkpoint_every = 0;       // episodes between numbered checkpoints; 0: only the final one
  // checkpoints/latest.bin is rewritten after an episode once this many seconds have passed since the
  // last write, and never more often than 50 times the last write's duration (< 2% of the run); 0:
  // after every episode. A killed run resumes from it.
  int64_t autosave_seconds = 30;
};

// Fills the kAuto fields for the CPU (cuda = false) or the device.
void resolve_defaults(TrainConfig& c, bool cuda);

// Applies TOML text (a file's contents) to c; throws ConfigError naming `source` and the key.
void apply_toml(TrainConfig& c, const std::string& toml_text, const std::string& source);
// Applies one "key=value" (value in TOML syntax or bare text); throws ConfigError.
void apply_override(TrainConfig& c, const std::string& assignment);
// Throws ConfigError on an out-of-range or inconsistent value.
void validate_train_config(const TrainConfig& c);
// The resolved config as TOML (reads back through apply_toml to the same values).
std::string to_toml(const TrainConfig& c);

}  // namespace myriad
