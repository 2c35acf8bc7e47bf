// players.hpp: who plays each group of a World outside training (`run`, `render`, `eval`): a world
// policy (random, noop, scripted) or the network of a training checkpoint, acting greedily.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/network.hpp"
#include "myriad/rules/policy.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

// A group's player: checkpoint empty → the world policy; else that checkpoint's learner network.
struct PlayerSpec {
  PolicySpec world;
  std::string checkpoint;
  bool is_network() const { return !checkpoint.empty(); }
};

// The learner network stored in a checkpoint (section `red.online`: the first learner), on the
// world's backend, checked against the world's input width and the group's action count. Throws
// std::invalid_argument naming the file and what differs (wrong shape, damaged or non-finite weights).
struct CheckpointNetwork {
  std::unique_ptr<QNetwork> net;
  bool uses_mean_action = true;  // MF-Q checkpoints read ā; IQL ones do not
};
CheckpointNetwork load_checkpoint_network(const Checkpoint& ck, const std::string& path, World& world,
                                          int group, int64_t input_width);

class Players {
 public:
  // One spec per group. Reads the checkpoint of every network-played group.
  Players(World& world, const std::vector<PlayerSpec>& specs);
  ~Players();
  // Call after reset() and every step() (the networks read the world's buffers on its stream).
  void observe();
  // Every group's actions for the next step (world policies, then greedy networks).
  void act(uint32_t step = 0);

 private:
  World& world_;
  std::vector<PlayerSpec> specs_;
  std::unique_ptr<TrainerOps> ops_;
  std::vector<std::unique_ptr<TeamPolicy>> teams_;  // per group; null for world policies
  std::vector<std::unique_ptr<QNetwork>> nets_;
  bool any_world_ = false;
};

}  // namespace myriad
