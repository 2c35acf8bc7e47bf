// team_policy.hpp: one group of a World driven by a shared Q-network: the network reads the group's
// inputs [view | features | ā] where the world keeps them (QNetwork::forward_inputs, no rows), and the
// group's actions (greedy, Boltzmann or ε-greedy) go where the world reads them. Used by the trainer
// (learners and network opponents), `myriad eval`, `run` and `render`; world, network and ops share the
// backend, so every call is ordered on its stream and returns without waiting (mean_max_q reads back).
#pragma once
#include <cstdint>

#include "myriad/network.hpp"
#include "myriad/rules/select.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

class TeamPolicy {
 public:
  // use_mean_action: MF-Q feeds ā; IQL leaves the ā columns zero (the network keeps its width).
  // ops must be on the world's backend and outlive this object (it owns the buffers).
  TeamPolicy(World& world, TrainerOps& ops, int group, bool use_mean_action);

  int group() const { return group_; }
  int64_t begin() const { return begin_; }  // first agent id of the group
  int64_t count() const { return count_; }  // agents of the group (alive or not)
  int64_t width() const { return source().width(); }
  int n_actions() const { return n_actions_; }

  // Q of every agent of the group on the world's current state (forwards of at most kForwardChunk
  // agents, so the network's activations do not grow with the team), then the group's actions from p
  // (n_actions and stride are filled in here) into the world's action buffer. act = forward + select.
  static constexpr int64_t kForwardChunk = int64_t{1} << 17;
  void forward(QNetwork& net);
  void select(SelectParams p);
  void act(QNetwork& net, const SelectParams& p) {
    forward(net);
    select(p);
  }
  void set_use_mean_action(bool on) { use_mean_ = on; }
  bool uses_mean_action() const { return use_mean_; }
  const float* q() const { return q_; }  // [count][n_actions] of the last act
  // Mean over the group's alive agents of max_a Q of the last act (0 with nobody alive).
  double mean_max_q();

  NetInputSource source() const;

 private:
  World& world_;
  TrainerOps& ops_;
  int group_;
  bool use_mean_;
  int64_t begin_ = 0, count_ = 0;
  int n_actions_ = 0;
  float* q_ = nullptr;
};

// Where a network reads group g's inputs in `world`: its observation, feature and mean-action buffers
// with their strides (row 0 = the group's first agent); n_mean ā columns, zeros (IQL) unless
// use_mean_action.
NetInputSource net_input_source(World& world, int group, int n_mean, bool use_mean_action);

// The network shape a group of `world` needs: [view | features | ā] → hidden → its actions.
MlpShape group_network_shape(const World& world, int group, const std::vector<int>& hidden);

// Selection parameters of a team: greedy (evaluation), or the exploration value of an episode.
SelectParams greedy_select(uint64_t seed, uint32_t step);

}  // namespace myriad
