// players.hpp: who plays each group of a World outside training (`run`, `render`, `eval`): a world
// policy (random, noop, scripted) or the acting network of a training checkpoint: a Q-network greedily,
// an actor sampling π (as the mean-field paper plays its actor-critics) or greedily.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/learner.hpp"
#include "myriad/network.hpp"
#include "myriad/rules/policy.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

// A group's player: checkpoint empty → the world policy; else that checkpoint's network for the group.
struct PlayerSpec {
  PolicySpec world;
  std::string checkpoint;
  bool greedy_actor = false;  // an actor-critic checkpoint's actor plays argmax π instead of sampling π
  bool is_network() const { return !checkpoint.empty(); }
};

// The checkpoint's acting network for `group` of `world`, on the world's backend with matrix math
// `math`: its first learner of the group's shape (battle's red network plays blue, as a learner that
// swapped sides played both; combined_arms' melee and ranged networks differ in shape), ready for
// forward passes over the group. Throws std::invalid_argument naming the file and what differs (wrong
// shape, damaged or non-finite weights), or MemoryRefusal when the network cannot fit beside the world.
PlayedNetwork load_played_network(const Checkpoint& ck, const std::string& path, World& world, int group,
                                  NetMath math = NetMath::kFp32);

class Players {
 public:
  // One spec per group. Reads the checkpoint of every network-played group.
  Players(World& world, const std::vector<PlayerSpec>& specs);
  ~Players();
  // Call after reset() and every step() (the networks read the world's buffers on its stream).
  void observe();
  // Every group's actions for the next step (world policies, then the networks: Q greedily, actors as
  // their spec says; a sampling actor draws with (seed, step)).
  void act(uint32_t step = 0, uint64_t seed = 0);

 private:
  World& world_;
  std::vector<PlayerSpec> specs_;
  std::unique_ptr<TrainerOps> ops_;
  std::vector<std::unique_ptr<TeamPolicy>> teams_;  // per group; null for world policies
  std::vector<PlayedNetwork> nets_;
  bool any_world_ = false;
};

}  // namespace myriad
