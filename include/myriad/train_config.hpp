// train_config.hpp: the settings of `myriad train` (algorithm, world, exploration, optimiser, replay,
// run length), their TOML form (toml++) and `key=value` overrides, with one-line errors.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/algorithm.hpp"
#include "myriad/config.hpp"
#include "myriad/network.hpp"
#include "myriad/printable.hpp"
#include "myriad/rules/loss.hpp"
#include "myriad/rules/td.hpp"

namespace myriad {

// A bad config file or value: one line naming the key and what would be valid (exit code 2). Control
// bytes of the text it quotes (a value read from the file) are escaped, so it stays one line.
struct ConfigError : std::runtime_error {
  explicit ConfigError(const std::string& what) : std::runtime_error(printable(what)) {}
};

// A field left at kAuto takes the backend's default in resolve_defaults (0 is an ordinary value).
inline constexpr int64_t kAuto = -(int64_t{1} << 62);

// Who plays the groups the learner does not (its side's opponents):
enum class Opponent : uint8_t {
  kRandom,          // uniform actions
  kScripted,        // the engine's scripted policy
  kFrozen,          // a checkpoint's networks (opponent_checkpoint): greedy Q, or the actor sampling
  kBothLearn,       // learners of their own, one per group, training beside the first
  kSelfplayLagged,  // a copy of the learner that takes 0.99·learner + 0.01·itself after each round won
};
enum class Exploration : uint8_t { kBoltzmann, kEpsilon };
// What a learning agent's stored reward is: its own, or its group's summed reward of the step.
enum class RewardMode : uint8_t { kIndividual, kTeam };
// Incremental learning (rules/curriculum.hpp): none; a learning set that grows from grow_from agents
// per group to all of them over grow_episodes, the others acting at random (grow_learners); or a
// population that grows so on the same map, every group in proportion, all of it learning
// (grow_population).
enum class Curriculum : uint8_t { kNone, kGrowLearners, kGrowPopulation };
// What a mixer (VDN, QMIX, MFQMIX) mixes: a whole team of one step, or the agents of each map tile
// (QMIX inside a tile, the tiles' TD errors side by side: algorithms.md's spatial-group mixer).
enum class MixerGroups : uint8_t { kTeam, kTiles };
// The most agents a team mixer mixes: beyond it one Q_tot per step of a team cannot train (and its rows
// would not fit a batch); mixer_groups = "tiles" mixes any population.
inline constexpr int64_t kMaxTeamMixer = 1024;

const char* opponent_name(Opponent o);
Opponent parse_opponent(const std::string& s);  // throws std::invalid_argument
const char* exploration_name(Exploration e);
const char* target_name(TargetKind t);
const char* actor_gradient_name(ActorGradient g);
const char* reward_mode_name(RewardMode m);
const char* curriculum_name(Curriculum c);
const char* mixer_groups_name(MixerGroups g);

struct TrainConfig {
  Scenario scenario = Scenario::kBattle;
  Algorithm algorithm = Algorithm::kMfq;
  int64_t episodes = kAuto;           // kAuto: the backend's default (see resolve_defaults)
  int64_t agents_per_team = kAuto;    // battle: 64 on the CPU, 131072 on the GPU; 0: the game's population
  int64_t map_size = kAuto;           // battle: 40 on the CPU, 1811 on the GPU (MAgent's density); 0: the game's
  int64_t max_steps = kAuto;          // battle, battlefield 400; the other games: their own, at most 500 (resolve_defaults)
  bool minimap = false;               // the two minimap channels per group and x/W, y/H features
  // The world's observation buffers: auto (unset) is bf16 with CUDA (half the bytes per agent; the
  // replay keeps views as bf16 anyway) and f32 on the CPU.
  std::optional<ObsDtype> obs_dtype;
  // The group whose side learns (all of that side's acting groups, a learner each); "" (auto): the
  // first group's side (battle: red, pursuit: predator, gather: omnivore).
  std::string learner;
  Opponent opponent = Opponent::kRandom;
  // both_learn: the other side's learners' algorithm (unset, auto: the same); they take its defaults for
  // target, reward_mode and a team mixer's store_fraction.
  std::optional<Algorithm> opponent_algorithm;
  std::string opponent_checkpoint;    // the frozen opponent's checkpoint
  // A checkpoint of the same game, algorithm and network shape (any population) whose networks start
  // every learner (online and target) and the lagged opponent; Adam and counters start fresh.
  std::string init_from;
  // The learner plays the first side in even episodes and the other in odd ones. Unset (auto): on when
  // the game's two sides have the same groups (battle, battlefield, combined_arms), off otherwise.
  std::optional<bool> swap_sides;
  Exploration exploration = Exploration::kBoltzmann;  // the Q-learners' behaviour (the actors sample π)
  double temperature_start = 1.0, temperature_end = 0.1;
  int64_t anneal_episodes = kAuto;    // half the episodes
  double epsilon_start = 1.0, epsilon_end = 0.05;
  // v(o′) of the TD target (rules/td.hpp): boltzmann | greedy_double for MF-Q (IQL: greedy_double),
  // policy (Σ_a π⁻(a|o′)·Q⁻(o′,a,ā′), algorithms.md) | greedy_double for the actor-critic critics.
  // Unset (auto): boltzmann for MF-Q, greedy_double for IQL, policy for MF-AC and AC.
  std::optional<TargetKind> target;
  double target_temperature = 0.1;
  // lr 1e-3, not the paper's 1e-4 (algorithms.md: "lr re-tuned" with the batch): at batch 256 and
  // replay ratio 2, 1e-4 had not learned to fight after 100 CPU episodes; 1e-3 wins from ~130-180.
  double lr = 1e-3, gamma = 0.95, tau = 0.005, clip_norm = 10.0;
  // MF-AC and AC: the actor's learning rate (<= 0: lr) and the weight β of its entropy bonus, annealed
  // like the Boltzmann temperature (exponentially over anneal_episodes) from entropy_start to
  // entropy_coef: the actor's soft-optimal policy is π ∝ exp(A/β), MF-Q's Boltzmann policy at T = β, so
  // both explore alike early (a constant small β lets the actor abandon the attacks, which cost at once
  // and pay only later, before it has met an enemy).
  double actor_lr = -1, entropy_start = 1.0, entropy_coef = 0.05;
  // The actor's gradient (rules/loss.hpp): expected (every action's advantage under π) or sampled (the
  // stored action's, algorithms.md's literal form).
  ActorGradient actor_gradient = ActorGradient::kExpected;
  // Unset (auto): team for the mixers (their TD takes the group's summed reward), individual otherwise.
  std::optional<RewardMode> reward_mode;
  // VDN, QMIX, MFQMIX: the mixing groups; tiles of mixer_tile × mixer_tile cells, sampled as windows of
  // mixer_window consecutive replay rows (a team's windows are its whole steps); the monotone mixer's
  // width E and its hypernetwork's hidden layer. MFQMIX's ā: the nearest_fraction of the agent's group
  // closest to it (at least 1, at most nearest_cap).
  MixerGroups mixer_groups = MixerGroups::kTeam;
  int64_t mixer_tile = 16, mixer_window = 256, mixer_embed = 32, hypernet_hidden = 64;
  double nearest_fraction = 0.1;
  int64_t nearest_cap = 32;
  Curriculum curriculum = Curriculum::kNone;
  int64_t grow_from = 64;             // n_0: the learners (grow_population: the learner's group) at episode 0
  int64_t grow_episodes = kAuto;      // E_grow: episodes until every agent learns / takes part (half the run)
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
  // CUDA networks' matrix math: auto (unset) is tf32 with CUDA (tensor cores; ~1e-3 relative error),
  // fp32 on the CPU, whose network is always FP32.
  std::optional<NetMath> network_math;
  uint64_t seed = 0;
  int64_t checkpoint_every = 0;       // episodes between numbered checkpoints; 0: only the final one
  // checkpoints/latest.bin is rewritten after an episode once this many seconds have passed since the
  // last write, and never more often than 50 times the last write's duration (< 2% of the run); 0:
  // after every episode. A killed run resumes from it.
  int64_t autosave_seconds = 30;

  // Resolved values (after resolve_defaults): the target kind, the actor's learning rate, the actor's
  // entropy weight β of an episode.
  TargetKind target_kind() const { return target.value_or(TargetKind::kBoltzmann); }
  float entropy_weight(int64_t episode) const;
  double actor_learning_rate() const { return actor_lr > 0 ? actor_lr : lr; }
};

// Fills the kAuto and unset fields for the CPU (cuda = false) or the device, per game.
void resolve_defaults(TrainConfig& c, bool cuda);

// Applies TOML text (a file's contents) to c; throws ConfigError naming `source` and the key.
void apply_toml(TrainConfig& c, const std::string& toml_text, const std::string& source);
// Applies one "key=value" (value in TOML syntax or bare text); throws ConfigError.
void apply_override(TrainConfig& c, const std::string& assignment);
// Throws ConfigError on an out-of-range or inconsistent value (an unknown name is refused when parsed).
void validate_train_config(const TrainConfig& c);
// The resolved config as TOML (reads back through apply_toml to the same values).
std::string to_toml(const TrainConfig& c);

}  // namespace myriad
