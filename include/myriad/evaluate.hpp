// evaluate.hpp: head-to-head evaluation (algorithms.md): E battle episodes between two players
// (checkpoints: Q-networks greedily, actors sampling π or greedily; or scripted / random policies), sides swapped every other episode;
// wins, draws and losses of A, its win rate (W + D/2)/E with a Wilson 95% interval, kills,
// survivors and per-agent returns.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/world.hpp"

namespace myriad {

struct EvalConfig {
  std::string a, b;                  // "random", "scripted" or a checkpoint path
  std::optional<Scenario> scenario;  // unset: from A's checkpoint config (else B's, else battle)
  int64_t episodes = 100;
  int64_t agents_per_team = 0;       // 0: from A's checkpoint config (else B's, else 64)
  int64_t map_size = 0;              // 0: likewise (else 40)
  int64_t max_steps = 0;             // 0: likewise (else 400)
  int minimap = -1;                  // -1: likewise (else off)
  bool swap_sides = true;
  // blocks (the training layout) or random (uniform): greedy networks on blocks placement play nearly
  // the same episode every time per side, random placement makes the episodes differ.
  Placement placement = Placement::kDefault;  // kDefault: the game's layout (battle's blocks)
  uint64_t seed = 0;                 // episode e is played on seed + e
  // Actor-critic checkpoints: their actor samples π (the mean-field paper's play), or plays argmax π.
  bool greedy_actor = false;
  BackendKind backend = BackendKind::kAuto;
};

// One episode seen from A: [0] A, [1] B.
struct EvalEpisode {
  int64_t episode = 0, steps = 0;
  int a_group = 0;                   // 0: A played red
  int64_t kills[2] = {0, 0}, survivors[2] = {0, 0};
  double per_agent_return[2] = {0, 0};
  int outcome() const { return kills[0] > kills[1] ? 1 : kills[0] < kills[1] ? -1 : 0; }
};

struct EvalResult {
  EvalConfig config;                 // resolved (world sizes filled in)
  std::string backend;
  int64_t wins_by_side[2] = {0, 0};  // A's wins when A played red / blue
  int64_t wins = 0, draws = 0, losses = 0;
  double win_rate = 0, ci_low = 0, ci_high = 0;  // of A, Wilson 95%
  double mean_kills[2] = {0, 0}, mean_survivors[2] = {0, 0}, mean_per_agent_return[2] = {0, 0};
  std::vector<EvalEpisode> episodes;
};

// Wilson score interval of a proportion: `successes` (may be fractional: draws count 1/2) of n, at
// z (1.96: 95%). n = 0 gives [0, 1].
std::pair<double, double> wilson_interval(double successes, int64_t n, double z = 1.96);

// Fills the world sizes left at 0 / -1 from the checkpoints; throws std::runtime_error (unreadable
// checkpoint) or ConfigError-like std::invalid_argument (bad values).
EvalConfig resolve_eval_config(EvalConfig c);

// Plays the episodes; on_episode (may be empty) sees each one as it ends.
EvalResult evaluate(const EvalConfig& c, const std::function<void(const EvalEpisode&)>& on_episode = {});

}  // namespace myriad
