// trainer.hpp: the MF-Q / IQL trainer: a battle World, the learner's shared Q-network, its target
// copy and replay buffer, an opponent (scripted, random, a frozen or lagged network, or a second
// learner), episodes of act → step → store → update on the world's backend, metrics and checkpoints.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/network.hpp"
#include "myriad/replay.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/train_config.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

// One episode's numbers by role: [0] the learner, [1] its opponent (whichever side each played).
struct EpisodeMetrics {
  int64_t episode = 0, steps = 0, updates = 0;
  int learner_group = 0;  // 0: the learner played red, 1: blue
  double team_return[2] = {0, 0}, per_agent_return[2] = {0, 0};
  int64_t kills[2] = {0, 0}, survivors[2] = {0, 0};
  double loss = 0, first_loss = 0;  // mean / first update loss of the episode (NaN without updates)
  double mean_q = 0;                // mean over acting steps of the alive learners' mean max_a Q
  double temperature = 0;           // Boltzmann T (or ε with exploration = epsilon)
  double agent_steps_per_s = 0, seconds = 0;
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

// The world config a TrainConfig asks for (battle n v n on S×S, max_steps); throws ConfigError.
WorldConfig train_world_config(const TrainConfig& c);

// Bytes a training run needs on its backend (world, networks, per-agent rows, replay, batches).
struct TrainMemory {
  size_t world = 0, networks = 0, rows = 0, replay = 0, batch = 0;
  size_t total() const { return world + networks + rows + replay + batch; }
};

// The plan of what a Trainer of c (resolved) allocates besides the world (world_bytes, taken as
// given), from the sizes alone: the memory check at start, and the answer to "does N fit" without
// building anything. rows + batch are what the trainer asks of its TrainerOps (tested to the byte).
TrainMemory plan_train_memory(const TrainConfig& c, const MlpShape& shape, const ObsLayout& obs, size_t world_bytes,
                              bool cuda);
// Rows a learner's pre-step gather holds: the team, or the kept count's mean + 8 standard deviations
// + 1024 (store_fraction·team of team draws; more is dropped, with odds below 1e-15 a step).
int64_t kept_capacity(int64_t team, double store_fraction);

class Trainer {
 public:
  // c must be resolved (resolve_defaults) and valid. backend kAuto picks CUDA when a device answers.
  // Throws ConfigError when the configuration does not fit the backend's memory (saying what fits)
  // or the opponent checkpoint does not suit this run.
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
  QNetwork& network(int learner = 0) { return *learners_[static_cast<size_t>(learner)].online; }
  QNetwork& target_network(int learner = 0) { return *learners_[static_cast<size_t>(learner)].target; }
  QNetwork* opponent_network() { return opponent_net_.get(); }  // frozen / selfplay_lagged
  Backend& backend() { return *backend_; }
  ReplayBuffer& replay(int learner = 0) { return *learners_[static_cast<size_t>(learner)].replay; }
  int n_learners() const { return static_cast<int>(learners_.size()); }
  const std::vector<float>& update_losses() const { return losses_; }
  float exploration_value(int64_t episode) const;  // T or ε of that episode
  const TrainMemory& memory() const { return memory_; }
  size_t ops_allocated_bytes() const { return ops_->allocated_bytes(); }  // the trainer's ops buffers
  int learner_group(int64_t episode) const;  // the side learner 0 plays in that episode

  // Host copy of red's network rows [count][width] for the world's current state.
  std::vector<float> assemble_inputs_host();
  int64_t input_width() const;

  // Everything needed to continue (networks, Adam, counters, RNG counters); replay is not included.
  Checkpoint checkpoint() const;
  // Starts every learner (online and target) from path's red network (cfg.init_from): same game,
  // algorithm and network shape, else a ConfigError saying what differs and what would fit.
  void init_networks_from(const std::string& path);
  void restore(const Checkpoint& ck);  // throws std::runtime_error on a mismatch

 private:
  struct Learner {
    std::unique_ptr<QNetwork> online, target;
    std::unique_ptr<ReplayBuffer> replay;
    uint32_t draws = 0;
    // The transitions the step being played will store, chosen before it: their rows in the group
    // (idx, a team's worth for the compaction), their (o, features, ā) (kept_capacity() rows), and
    // how many (all ops-owned).
    int64_t* idx = nullptr;
    float *o_view = nullptr, *o_feat = nullptr, *o_mean = nullptr;
    int64_t kept = 0;
  };
  // Who plays a group this episode: a learner, the opponent network, or a world policy.
  struct Controller {
    int learner = -1;        // index into learners_, or -1
    bool opponent_net = false;
    PolicyKind world_policy = PolicyKind::kNoop;
  };

  void begin_episode();
  bool step_once();  // true when the episode ended
  EpisodeMetrics end_episode();
  SelectParams explore_params(uint64_t salt) const;
  void store(int learner, TeamPolicy& pol, bool terminal);
  float update(Learner& l);
  void check_memory(const MlpShape& shape, bool cuda);
  // Rows of the replay staging buffers (min(team, store_chunk)): appends go in chunks of this many.
  int64_t staging_rows() const;
  // Before the step: the learner's kept transitions (alive, drawn by keep_transition) and their o.
  void gather_kept(Learner& l, TeamPolicy& pol);
  KeepParams keep_params(bool terminal) const;  // of the step being played
  void load_opponent(const std::string& path);
  double tick();  // ms since the last tick (after a backend sync) while timing, else 0
  void lap(TrainPhase p);  // adds tick() to phase p

  TrainConfig cfg_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<World> world_;
  std::unique_ptr<TrainerOps> ops_;
  std::vector<Learner> learners_;
  std::unique_ptr<QNetwork> opponent_net_;
  bool opponent_uses_mean_ = true;
  std::unique_ptr<TeamPolicy> policy_[2];
  Controller ctl_[2];
  int64_t episode_ = 0, env_steps_ = 0, updates_ = 0;
  std::vector<float> losses_;
  TrainMemory memory_;

  // The episode in progress.
  bool in_episode_ = false;
  EpisodeMetrics cur_{}, last_{};
  double loss_sum_ = 0, q_sum_ = 0, agent_steps_ = 0, seconds_ = 0;
  int64_t q_count_ = 0, n_updates_ = 0;
  bool timing_ = false;
  TrainStepTimes times_{};
  double tick_t0_ = 0;

  // Replay staging and batch buffers (ops-owned, shared by the learners).
  float *st_nview_ = nullptr, *st_nfeat_ = nullptr, *st_nmean_ = nullptr, *st_reward_ = nullptr;  // o′ staging
  uint8_t *st_action_ = nullptr, *st_done_ = nullptr;
  float *bx_ = nullptr, *bx_next_ = nullptr, *br_ = nullptr, *bd_ = nullptr, *q_tgt_ = nullptr, *q_on_ = nullptr,
        *y_ = nullptr;
  int* ba_ = nullptr;
};

}  // namespace myriad
