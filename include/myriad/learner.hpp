// learner.hpp: the learner plug-in interface the trainer drives for any group of any game. A learner
// owns its networks, its replay and the buffers of its updates on the trainer's backend; it acts for the
// group it plays (its acting network read in its input layout, actions by its behaviour rule), chooses
// the transitions of the step to keep before it and stores them after it, and takes gradient steps from
// its replay. Its losses stay in backend memory until the episode ends (one read-back an episode, none
// inside a step). MF-Q and IQL (host/learners/q_learner.cpp), MF-AC and AC
// (host/learners/actor_critic_learner.cpp) and VDN, QMIX and MFQMIX (host/learners/mixer_learner.cpp)
// are the implementations; make_learner picks one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "myriad/algorithm.hpp"
#include "myriad/checkpoint.hpp"
#include "myriad/network.hpp"
#include "myriad/replay.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/train_config.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/transitions.hpp"
#include "myriad/world.hpp"

namespace myriad {

// What a learner is built for: the trainer's world and ops (one backend), the resolved config, the
// group whose shape it learns (it may play the same-shaped group of the other side), its number among
// the trainer's learners (seeds) and its checkpoint prefix.
struct LearnerSetup {
  World& world;
  TrainerOps& ops;
  const TrainConfig& cfg;
  TransitionStaging& staging;
  int home_group = 0;
  int index = 0;
  std::string name;  // checkpoint sections "<name>.online", "<name>.actor", ...
};

// The most update (or step) records kept in backend memory before they are read back.
inline constexpr int64_t kMaxLogged = int64_t{1} << 16;

// An episode of one learner, read back at its end.
struct LearnerEpisode {
  int64_t updates = 0;
  double loss = 0, first_loss = 0;  // the TD / critic loss: mean and first of the episode (NaN without updates)
  double actor_loss = 0, entropy = 0;  // actor-critic: mean −A·log π and H(π) over the updates (else NaN)
  std::vector<float> losses;        // every update's TD / critic loss
};

// A network that plays a group without learning (a lagged copy, a frozen checkpoint): how it reads and
// how its outputs become actions.
struct PlayedNetwork {
  std::unique_ptr<Network> net;
  InputMode input = InputMode::kMeanAction;
  bool actor = false;  // outputs are logits: sample π (or greedy); else Q-values
  bool nearest_mean = false;  // reads MFQMIX's ā over the nearest agents
};

// Bytes a learner of this algorithm allocates through the trainer's ops (rows: its kept transitions;
// batch: its update's buffers) and besides them (networks at their largest batch, replay).
struct LearnerBytes {
  size_t rows = 0, batch = 0, networks = 0, replay = 0;
};
LearnerBytes plan_learner_bytes(const TrainConfig& c, const MlpShape& value_shape, const ReplayShape& rs, int64_t team,
                                bool cuda);

// A mixer's batch: `windows` windows of `window` consecutive replay rows; a team mixer's windows are
// its whole steps (window = the team, aligned), a tile mixer's any mixer_window rows. The per-agent
// learners: one window of cfg.batch rows.
struct BatchWindows {
  int64_t windows = 1, window = 1;
  bool aligned = false;
  int64_t rows() const { return windows * window; }
};
BatchWindows batch_windows(const TrainConfig& c, int64_t team);
// How the learner's replay groups its rows (none for the per-agent learners), on a map of w × h cells.
RowGrouping row_grouping(const TrainConfig& c, int width, int height);
// The ring a learner's replay holds: a team mixer's is whole steps (capacity rounded down to a multiple of
// the team). Throws ConfigError when a team mixer cannot run (team too large, no whole step fits).
int64_t replay_rows(const TrainConfig& c, int64_t team);

class Learner {
 public:
  virtual ~Learner();
  Learner(const Learner&) = delete;
  Learner& operator=(const Learner&) = delete;

  Algorithm algorithm() const { return algo_; }
  const std::string& name() const { return name_; }
  int home_group() const { return home_group_; }
  int64_t team_size() const { return team_; }
  const TrainConfig& config() const { return cfg_; }

  // The network that plays the learner's group (the Q-network, or the actor), and how it reads.
  virtual Network& acting_network() = 0;
  const Network& acting_network() const { return const_cast<Learner*>(this)->acting_network(); }
  InputMode acting_input() const { return myriad::acting_input(algo_); }
  bool has_actor() const { return is_actor_critic(algo_); }
  // The behaviour policy's selection for the trainer's exploration parameters of this step (the
  // Q-learners use them, the actors sample π with their seed and step).
  virtual SelectParams behaviour(const SelectParams& explore) const = 0;
  void act(TeamPolicy& team, const SelectParams& explore) {
    team.forward(acting_network(), acting_input());
    team.select(behaviour(explore));
  }
  // A copy of the acting network that plays without learning (selfplay_lagged's opponent).
  PlayedNetwork copy_acting() const;
  // The network of every checkpoint section this learner writes, by name (its online network first).
  virtual std::vector<std::pair<std::string, const Network*>> networks() const = 0;

  // The transitions of team's group this step keeps (before the step) and their storage (after it).
  void choose_transitions(World& world, const TeamPolicy& team, const KeepParams& kp);
  void store_transitions(World& world, const TeamPolicy& team, const KeepParams& kp);
  const ReplayBuffer& replay() const { return *replay_; }
  ReplayBuffer& replay() { return *replay_; }
  bool ready() const { return replay_->size() >= warmup_; }

  // The episode being played (schedules of the learner's own, e.g. the actor's entropy weight).
  void set_episode(int64_t e) { episode_ = e; }
  // One gradient step from the replay (sample, losses, Adam, target update); nothing waits.
  void update();
  // The episode's losses (one copy back) and a fresh log for the next one.
  LearnerEpisode end_episode();

  // Checkpoint sections: networks, target networks, Adam moments and steps, the replay's draw counter.
  virtual void save(Checkpoint& ck) const = 0;
  virtual void restore(const Checkpoint& ck) = 0;  // throws std::runtime_error on a mismatch
  // Starts the networks (online and target) from the checkpoint's learner `prefix` of the same shape;
  // throws ConfigError naming `path` and what differs.
  virtual void init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) = 0;

 protected:
  Learner(const LearnerSetup& s, const MlpShape& value_shape);
  // The gradient step on the sampled batch (b_): its losses go to the log at slot `u`.
  virtual void train_on_batch(int u) = 0;
  // Loss-log slots an update writes (two doubles each: a sum and a count).
  virtual int log_slots() const = 0;
  void allocate_log();  // by the implementation's constructor (log_slots() is its own)
  double* log_slot(int u, int k) { return log_ + (static_cast<size_t>(u) * log_slots() + k) * 2; }
  // Adam settings from the config on net, with learning rate lr.
  void configure_adam(Network& net, double lr) const;
  // Helpers of save/restore/init_from: a network with (or without) its Adam state in sections
  // "<prefix><part>" + ".adam_m", ".adam_v", ".adam_step" (part "" for the Q-learners' online network).
  void put_network(Checkpoint& ck, const std::string& section, const Network& net) const;
  void put_adam(Checkpoint& ck, const std::string& prefix, const Network& net) const;
  void get_network(const Checkpoint& ck, const std::string& section, Network& net) const;
  void get_adam(const Checkpoint& ck, const std::string& prefix, Network& net) const;
  void put_replay_counter(Checkpoint& ck) const;
  void get_replay_counter(const Checkpoint& ck);
  // init_from's start of an online network and its target from the checkpoint's `section`; throws
  // ConfigError naming `path` and what differs.
  void start_pair_from(const Checkpoint& ck, const std::string& section, const std::string& path, Network& online,
                       Network& target) const;
  // The target update after a gradient step: a hard copy every target_copy_every steps of online, else
  // the soft update with tau.
  void update_target(Network& target, const Network& online) const;

  Algorithm algo_;
  std::string name_;
  int home_group_ = 0, index_ = 0;
  int64_t team_ = 0, batch_ = 0, warmup_ = 0;
  const TrainConfig& cfg_;
  TrainerOps& ops_;
  TransitionStaging& staging_;
  ReplayShape rs_{};
  std::unique_ptr<ReplayBuffer> replay_;
  KeptTransitions kept_;
  uint32_t draws_ = 0;
  int64_t episode_ = 0;
  // The sampled batch: x = [o | features | ā] rows (ā zero for IQL and AC), x′ likewise; mixers: in
  // windows_ (the group starts in bs_).
  BatchWindows windows_{};
  float *bx_ = nullptr, *bx_next_ = nullptr, *br_ = nullptr, *bd_ = nullptr;
  int* ba_ = nullptr;
  uint8_t* bs_ = nullptr;
  // What a logged loss is a sum over (the batch's rows; a mixer's windows).
  virtual double loss_count() const { return static_cast<double>(batch_); }
  // The loss log of the episode: log_capacity_ updates × log_slots() pairs, on the backend, read back
  // at the episode's end (or when full: every kMaxLogged updates of a very long episode) into
  // episode_log_ and the sums of its losses.
  void flush_log();
  double* log_ = nullptr;
  int64_t log_capacity_ = 0, log_used_ = 0;
  LearnerEpisode episode_log_;
  double sums_[3] = {0, 0, 0};
};

// The learner of s.cfg.algorithm for group s.home_group.
std::unique_ptr<Learner> make_learner(const LearnerSetup& s);

// Loss-log slots of an episode: ⌈max_steps / update_every⌉ + 1 update steps × updates_per_step, from 1
// to 2^16 updates (a longer episode reads its log back when it fills).
int64_t updates_per_episode(const TrainConfig& c);

}  // namespace myriad
