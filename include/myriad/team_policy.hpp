// team_policy.hpp: one group of a World driven by a shared network: the network reads the group's inputs
// where the world keeps them (Network::forward_inputs, no rows) in one of three layouts, and the group's
// actions (greedy, Boltzmann, ε-greedy, or sampled from an actor's logits) go where the world reads them.
// Used by the learners, network opponents, `myriad eval`, `run` and `render`; world, network and ops
// share the backend, so every call is ordered on its stream and returns without waiting.
#pragma once
#include <cstdint>
#include <vector>

#include "myriad/algorithm.hpp"
#include "myriad/network.hpp"
#include "myriad/rules/select.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

// How a network reads a group's inputs:
enum class InputMode : uint8_t {
  kMeanAction,  // [view | features | ā]: MF-Q, MF-AC's critic
  kZeroMean,    // [view | features | 0]: IQL, AC's critic (the network keeps MF-Q's width, ā columns zero)
  kNoMean,      // [view | features]: the actors π(a|o)
};
// What a learner's stored transitions and its Q-network or critic read: ā for MF-Q and MF-AC, zeros otherwise.
constexpr InputMode value_input(Algorithm a) { return uses_mean_action(a) ? InputMode::kMeanAction : InputMode::kZeroMean; }
// What the network that plays a learner's group reads: the Q-network's input, or the actor's.
constexpr InputMode acting_input(Algorithm a) { return is_actor_critic(a) ? InputMode::kNoMean : value_input(a); }

class TeamPolicy {
 public:
  // ops must be on the world's backend and outlive this object (it owns the buffers).
  TeamPolicy(World& world, TrainerOps& ops, int group);

  int group() const { return group_; }
  int64_t begin() const { return begin_; }  // first agent id of the group
  int64_t count() const { return count_; }  // agents of the group (alive or not)
  int64_t width(InputMode m) const { return source(m).width(); }
  int n_actions() const { return n_actions_; }

  // The network's outputs (K per agent: Q-values or logits) for every agent of the group on the world's
  // current state (forwards of at most kForwardChunk agents, so the network's activations do not grow
  // with the team), then the group's actions from p (n_actions and stride are filled in here) into the
  // world's action buffer. act = forward + select.
  static constexpr int64_t kForwardChunk = int64_t{1} << 17;
  void forward(Network& net, InputMode m);
  void select(SelectParams p);
  void act(Network& net, InputMode m, const SelectParams& p) {
    forward(net, m);
    select(p);
  }
  const float* q() const { return q_; }  // [count][n_actions] of the last forward
  // Σ over the group's alive agents of max_a of the last forward's outputs, and their count, into out[0..2)
  // (the backend's memory; nothing waits).
  void max_output_sum(double* out) const;

  NetInputSource source(InputMode m) const;

 private:
  World& world_;
  TrainerOps& ops_;
  int group_;
  int64_t begin_ = 0, count_ = 0;
  int n_actions_ = 0;
  float* q_ = nullptr;
};

// Where a network reads group g's inputs in `world` in layout m: its observation, feature and
// mean-action buffers with their strides (row 0 = the group's first agent).
NetInputSource net_input_source(World& world, int group, InputMode m);

// The network shape a group of `world` needs in layout m: inputs → hidden → its actions.
MlpShape group_network_shape(const World& world, int group, InputMode m, const std::vector<int>& hidden);

// Selection parameters of a team: greedy (evaluation), or sampling an actor's π = softmax(logits).
SelectParams greedy_select(uint64_t seed, uint32_t step);
SelectParams sample_select(uint64_t seed, uint32_t step);

}  // namespace myriad
