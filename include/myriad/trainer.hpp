// trainer.hpp: the MF-Q / IQL trainer: a battle World, the learning team's shared Q-network, its
// target copy and replay buffer, episodes of act → step → store → update, metrics and checkpoints.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/network.hpp"
#include "myriad/replay.hpp"
#include "myriad/train_config.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

// One episode's numbers (teams: 0 the learner, 1 the opponent).
struct EpisodeMetrics {
  int64_t episode = 0, steps = 0, updates = 0;
  double team_return[2] = {0, 0}, per_agent_return[2] = {0, 0};
  int64_t kills[2] = {0, 0}, survivors[2] = {0, 0};
  double loss = 0, first_loss = 0;  // mean / first update loss of the episode (NaN without updates)
  double mean_q = 0;                // mean over acting steps of the alive learners' mean max_a Q
  double temperature = 0;           // Boltzmann T (or ε with exploration = epsilon)
  double agent_steps_per_s = 0, seconds = 0;
};

// The world config a TrainConfig asks for (battle n v n on S×S, max_steps); throws ConfigError.
WorldConfig train_world_config(const TrainConfig& c);

class Trainer {
 public:
  // c must be resolved (resolve_defaults) and valid. backend kAuto picks CUDA when a device answers.
  Trainer(const TrainConfig& c, BackendKind backend);
  ~Trainer();

  // Plays episode episode() (learning as it goes) and advances the counter.
  EpisodeMetrics run_episode();

  const TrainConfig& config() const { return cfg_; }
  int64_t episode() const { return episode_; }
  int64_t env_steps() const { return env_steps_; }
  int64_t updates() const { return updates_; }
  bool on_device() const { return ops_->on_device(); }
  World& world() { return *world_; }
  QNetwork& network() { return *online_; }
  QNetwork& target_network() { return *target_; }
  ReplayBuffer& replay() { return *replay_; }
  const std::vector<float>& update_losses() const { return losses_; }
  float exploration_value(int64_t episode) const;  // T or ε of that episode

  // Host copy of the learner team's network rows [count][width] for the world's current state.
  std::vector<float> assemble_inputs_host();
  int64_t input_width() const { return src_width_; }

  // Everything needed to continue (networks, Adam, counters, RNG counters); replay is not included.
  Checkpoint checkpoint() const;
  void restore(const Checkpoint& ck);  // throws std::runtime_error on a mismatch

 private:
  NetInputSource source() const;
  void assemble(float* x);
  void act(float* q_sum_out, bool want_q);
  void store_transitions(bool episode_over);
  float update();

  TrainConfig cfg_;
  std::unique_ptr<TrainerOps> ops_;
  std::unique_ptr<World> world_;
  std::unique_ptr<QNetwork> online_, target_;
  std::unique_ptr<ReplayBuffer> replay_;
  int64_t begin_ = 0, count_ = 0, src_width_ = 0;
  int n_actions_ = 0, n_features_ = 0;
  int64_t view_size_ = 0;
  int64_t episode_ = 0, env_steps_ = 0, updates_ = 0;
  uint32_t draws_ = 0;
  std::vector<float> losses_;

  // Backend-side buffers (ops-owned).
  float *x_cur_ = nullptr, *x_next_ = nullptr, *q_ = nullptr;
  int64_t* idx_ = nullptr;
  float *st_view_ = nullptr, *st_feat_ = nullptr, *st_mean_ = nullptr;
  float *st_nview_ = nullptr, *st_nfeat_ = nullptr, *st_nmean_ = nullptr, *st_reward_ = nullptr;
  uint8_t *st_action_ = nullptr, *st_done_ = nullptr;
  float *bx_ = nullptr, *bx_next_ = nullptr, *br_ = nullptr, *bd_ = nullptr, *q_tgt_ = nullptr, *q_on_ = nullptr,
        *y_ = nullptr;
  int* ba_ = nullptr;
  // Host mirrors of the learner team's per-agent state around a step.
  std::vector<uint8_t> h_alive_, h_action_, h_died_, h_done_;
  std::vector<float> h_reward_, h_q_;
  std::vector<int64_t> h_idx_;
};

}  // namespace myriad
