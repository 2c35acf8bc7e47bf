// team_policy.hpp: one group of a World driven by a shared Q-network: it assembles the group's rows
// [view | features | ā] from the world's buffers, runs the network and writes the group's actions
// (greedy, Boltzmann or ε-greedy) where the world reads them. Used by the trainer (learners and
// network opponents), `myriad eval` and `myriad render`; every buffer lives on the world's backend.
// The world, the network and the ops run on different CUDA streams: every call here returns with its
// work finished, and callers synchronise the world (World::synchronize) before observe().
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
  // ops must be of the world's backend and outlive this object (it owns the buffers).
  // keep_rows: assemble the rows into x() (a learner stores them); without, forward() reads the
  // inputs straight from the world (QNetwork::forward_inputs) and no row buffer exists.
  TeamPolicy(World& world, TrainerOps& ops, int group, bool use_mean_action, bool keep_rows = true);

  int group() const { return group_; }
  int64_t begin() const { return begin_; }  // first agent id of the group
  int64_t count() const { return count_; }  // agents of the group (alive or not)
  int64_t width() const { return source().width(); }
  int n_actions() const { return n_actions_; }

  // Rows of the current world state into x() (nothing without keep_rows). One row buffer per group:
  // a learner stores its transitions (o from x(), o′ from the world) before observing the next state.
  void observe();
  float* x() { return x_; }  // null without keep_rows
  // Lends the policy a row buffer ([count][width], on the backend; its owner keeps it) or takes it
  // away (null: forward reads the world's buffers). The trainer lends its learners' buffers to
  // whichever group a learner plays this episode.
  void set_rows(float* x) { x_ = x; }

  // Q of every row of x() (batched forwards of at most kForwardChunk rows, so the network's
  // activations do not grow with the team), then the group's actions from p (n_actions and stride
  // are filled in here) into the world's action buffer for this group. act = forward + select.
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
  float *x_ = nullptr, *q_ = nullptr;
};

// Where a network reads a group's inputs in `world`: its observation, feature and mean-action
// buffers with their strides; n_mean ā columns, zeros (IQL) unless use_mean_action.
NetInputSource net_input_source(World& world, int n_mean, bool use_mean_action);

// Selection parameters of a team: greedy (evaluation), or the exploration value of an episode.
SelectParams greedy_select(uint64_t seed, uint32_t step);

}  // namespace myriad
