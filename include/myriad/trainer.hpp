// trainer.hpp: the trainer of any game: every group is played each episode by a learner (a plug-in of
// learner.hpp: MF-Q, IQL, MF-AC, AC), a network that does not learn (a lagged copy of the learner, a
// frozen checkpoint), a world policy (random, scripted) or nobody (groups that never act); episodes of
// act → step → store → update on the world's backend, metrics by role (the learner's side and the rest)
// and checkpoints.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/learner.hpp"
#include "myriad/network.hpp"
#include "myriad/replay.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/train_config.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/transitions.hpp"
#include "myriad/world.hpp"

namespace myriad {

// One episode's numbers by role: [0] the groups of the learner's side (learner 0's), [1] the other groups.
struct EpisodeMetrics {
  int64_t episode = 0, steps = 0, updates = 0;
  int learner_group = 0;  // the group learner 0 played (battle: 0 red, 1 blue)
  std::string learner_name;  // its name
  double team_return[2] = {0, 0}, per_agent_return[2] = {0, 0};
  int64_t kills[2] = {0, 0}, survivors[2] = {0, 0};
  int64_t hits[2] = {0, 0};         // non-lethal hits dealt (pursuit's tags, gather's bites)
  int64_t learning_agents = 0;      // learner 0's group: agents that learn (grow_learners: n_L, the rest
                                    // random; grow_population: every agent it fields)
  double loss = 0, first_loss = 0;  // learner 0's TD / critic loss: mean and first of the episode (NaN without updates)
  double mean_q = 0;                // Q-learners: mean over acting steps of the alive learners' mean max_a Q (else NaN)
  double temperature = 0;           // Boltzmann T (or ε with exploration = epsilon); actor-critic: the entropy weight β
  double agent_steps_per_s = 0, seconds = 0;
  double actor_loss = 0, entropy = 0;  // actor-critic: learner 0's mean −A·log π and H(π) over its updates (else NaN)
  int outcome() const { return kills[0] > kills[1] ? 1 : kills[0] < kills[1] ? -1 : 0; }  // learner's win/draw/loss
};

// The phases of one training step (performance.md), in milliseconds.
enum class TrainPhase { kIndex, kMeanAction, kObserve, kForward, kSelect, kRules, kReplay, kUpdate, kCount };
constexpr int kTrainPhaseCount = static_cast<int>(TrainPhase::kCount);
const char* train_phase_name(TrainPhase p);
struct TrainStepTimes {
  double ms[kTrainPhaseCount] = {};
  double total() const {
    double s = 0;
    for (double v : ms) s += v;
    return s;
  }
};

// The world config a TrainConfig asks for (the game at its size, max_steps); throws ConfigError.
WorldConfig train_world_config(const TrainConfig& c);

// Bytes a training run needs on its backend (world, networks, per-agent rows, replay, batches).
struct TrainMemory {
  size_t world = 0, networks = 0, rows = 0, replay = 0, batch = 0;
  size_t total() const { return world + networks + rows + replay + batch; }
};

// What a run's plan is made of: every acting group's agents and action count (its network outputs),
// every learner's group (agents, replay and value-network shapes), and the networks that play without
// learning (lagged copies, frozen checkpoints) with the agents they play.
struct TrainLayout {
  struct Group {
    int64_t agents = 0;
    int n_actions = 0;
  };
  struct LearnerGroup {
    int64_t agents = 0;
    MlpShape value_shape;
    ReplayShape replay;
    const TrainConfig* config = nullptr;  // its learner's own (opponent_algorithm); null: the plan's
  };
  struct Played {
    int64_t agents = 0;
    MlpShape shape;
  };
  std::vector<Group> acting;
  std::vector<LearnerGroup> learners;
  std::vector<Played> played;
};

// The plan of what a Trainer of c (resolved) allocates besides the world (world_bytes, taken as
// given), from the sizes alone: the memory check at start, and the answer to "does N fit" without
// building anything. rows + batch are what the trainer asks of its TrainerOps (tested to the byte).
TrainMemory plan_train_memory(const TrainConfig& c, const TrainLayout& layout, size_t world_bytes, bool cuda);
// The same for a two-team battle of c.agents_per_team a side whose groups have this network shape and
// observation layout (c.opponent decides the learners and played networks).
TrainMemory plan_train_memory(const TrainConfig& c, const MlpShape& shape, const ObsLayout& obs, size_t world_bytes,
                              bool cuda);

class Trainer {
 public:
  // c must be resolved (resolve_defaults) and valid. backend kAuto picks CUDA when a device answers.
  // Throws ConfigError when the configuration does not fit the game (learner, swap_sides), the backend's
  // memory (saying what fits), or the opponent checkpoint does not suit this run.
  Trainer(const TrainConfig& c, BackendKind backend);
  Trainer(const TrainConfig& c, std::shared_ptr<Backend> backend);
  ~Trainer();

  // Plays episode episode() (learning as it goes) and advances the counter.
  EpisodeMetrics run_episode();
  // One environment step of training (act, step, store, update when due); starts the next episode
  // when the last one ended. Returns true when this step ended an episode (see last_episode()).
  bool train_step();
  const EpisodeMetrics& last_episode() const { return last_; }
  void set_phase_timing(bool on) { timing_ = on; }
  const TrainStepTimes& last_step_times() const { return times_; }

  const TrainConfig& config() const { return cfg_; }
  int64_t episode() const { return episode_; }
  int64_t env_steps() const { return env_steps_; }
  int64_t updates() const { return updates_; }
  bool on_device() const { return ops_->on_device(); }
  World& world() { return *world_; }
  const World& world() const { return *world_; }
  Backend& backend() { return *backend_; }
  int n_learners() const { return static_cast<int>(learners_.size()); }
  Learner& learner(int i = 0) { return *learners_[static_cast<size_t>(i)]; }
  // Learner i's acting network (the Q-network, or the actor) and its target copy; its replay.
  Network& network(int i = 0);
  Network& target_network(int i = 0);
  ReplayBuffer& replay(int i = 0) { return learner(i).replay(); }
  Network* opponent_network(int slot = 0);  // frozen / selfplay_lagged, else nullptr
  const std::vector<float>& update_losses() const { return losses_; }  // learner 0's, up to the last episode's end
  float exploration_value(int64_t episode) const;  // T or ε of that episode
  const TrainMemory& memory() const { return memory_; }
  size_t ops_allocated_bytes() const { return ops_->allocated_bytes(); }  // the trainer's ops buffers
  int learner_group(int64_t episode) const;  // the group learner 0 plays in that episode
  const std::string& learner_side_name() const;  // the group that names the learner's side (config learner)

  // Host copy of learner 0's home group's value-network rows [count][width] for the world's current state.
  std::vector<float> assemble_inputs_host();
  int64_t input_width() const;

  // Everything needed to continue (networks, Adam, counters, RNG counters); replay is not included.
  Checkpoint checkpoint() const;
  // Starts every learner (online and target) from path's learner of the same group shape (cfg.init_from):
  // same game, algorithm and network shapes, else a ConfigError saying what differs and what would fit.
  void init_networks_from(const std::string& path);
  void restore(const Checkpoint& ck);  // throws std::runtime_error on a mismatch

 private:
  // Who plays a group this episode.
  struct Controller {
    enum class Kind { kIdle, kWorld, kLearner, kNetwork } kind = Kind::kIdle;
    int index = -1;  // learner, or played network (slot)
    PolicyKind world_policy = PolicyKind::kNoop;
  };

  void setup_groups();
  void begin_episode();
  bool step_once();  // true when the episode ended
  EpisodeMetrics end_episode();
  SelectParams explore_params(uint64_t salt) const;
  TrainLayout layout() const;
  void check_memory(bool cuda);
  // Of the step being played, for learning group g (its learners, its team reward when terminal is known).
  KeepParams keep_params(int g, bool terminal, double group_reward = 0) const;
  int64_t learning_agents_of(int g) const;  // this episode's learners in group g (grow_learners: n_L)
  std::vector<int64_t> population_of_episode() const;  // grow_population: each group's agents this episode
  LearningSet learning_set_of(int g) const;  // which of group g's rows learn this episode
  void load_opponent(const std::string& path);
  int side_of_learners(int set, int64_t episode) const;  // the side learner set 0 (1: both_learn's) plays
  double tick();  // ms since the last tick (after a backend sync) while timing, else 0
  void lap(TrainPhase p);  // adds tick() to phase p

  TrainConfig cfg_;
  TrainConfig cfg_other_;  // the second learner set's (both_learn): cfg_ with opponent_algorithm's defaults
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<World> world_;
  std::unique_ptr<TrainerOps> ops_;
  int home_side_ = 0;                 // the side of cfg.learner's group
  std::vector<int> side_groups_[2];   // each side's acting groups, in group order (their slots)
  std::unique_ptr<TransitionStaging> staging_;
  std::vector<std::unique_ptr<Learner>> learners_;  // set 0 (slot k of the home side), then both_learn's set 1
  int set_size_ = 0;                  // learners per set
  std::vector<PlayedNetwork> played_;  // frozen / lagged networks, one per slot of the opponent side
  std::vector<std::unique_ptr<TeamPolicy>> teams_;  // per group; null for groups that never act
  std::vector<Controller> ctl_;
  int64_t episode_ = 0, env_steps_ = 0, updates_ = 0;
  std::vector<float> losses_;
  TrainMemory memory_;

  // The episode in progress.
  bool in_episode_ = false;
  EpisodeMetrics cur_{}, last_{};
  double agent_steps_ = 0, seconds_ = 0;
  bool timing_ = false;
  TrainStepTimes times_{};
  double tick_t0_ = 0;
  // Learner 0's max-output sums of the episode's update steps (two doubles each), read back at its end
  // (or when full) into the sum of the steps' means.
  void flush_q_log();
  double* q_log_ = nullptr;
  int64_t q_log_capacity_ = 0, q_log_used_ = 0, q_steps_ = 0;
  double q_sum_ = 0;
};

}  // namespace myriad
