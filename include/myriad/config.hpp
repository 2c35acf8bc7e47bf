// config.hpp: everything that defines a world (game, map, groups with their agent types and counts,
// reward rules, walls, placement, observation and mean-action options) and its validation, with
// one-line messages that name the configuration key and what would be valid. Games fill it
// (games/game.hpp); tests and tools may build one by hand.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "myriad/agent_type.hpp"
#include "myriad/rules/mean_action.hpp"

namespace myriad {

// MAgent2's six games (games.md).
enum class Scenario : uint8_t { kBattle, kBattlefield, kAdversarialPursuit, kGather, kTigerDeer, kCombinedArms };
// Start positions: the game's own map generator, or uniform over the free interior (Philox).
enum class Placement { kDefault, kRandom };
enum class ObsDtype { kF32, kBf16 };
enum class Metric { kChebyshev, kEuclidean };
enum class MeanActionMethod { kAuto, kSliding, kGather };  // Chebyshev only; same result

using Cell = std::pair<int, int>;  // (x, y)

// The game's reward rules between groups [attacker][victim] (MAgent's add_reward_rule; games.md).
struct GameRules {
  float hit[kMaxGroups][kMaxGroups] = {};        // per non-lethal hit, to the attacker
  float hit_taken[kMaxGroups][kMaxGroups] = {};  // per non-lethal hit, to the victim
  float kill[kMaxGroups][kMaxGroups] = {};       // per killing blow, to the attacker
  float pair[kMaxGroups][kMaxGroups] = {};       // to an attacker per co-attacker of its group on the same victim
};

struct GroupConfig {
  std::string name = "red";      // PettingZoo's agent prefix: red, blue, predator, prey, omnivore, ...
  AgentType type;
  int64_t count = 0;
  int side = 0;                  // groups of one side are allies (combined_arms' melee and ranged)
  bool acts = true;              // false: never acts nor shows an action (gather's food)
  uint32_t color = 0xEB342D;     // 0xRRGGBB in rendered frames
};

struct WorldConfig {
  Scenario scenario = Scenario::kBattle;
  int width = 45, height = 45;
  std::vector<GroupConfig> groups;
  GameRules rules;
  std::vector<int> insertion_order;  // the order MAgent adds the groups' agents (ids); empty: group order
  int embedding_bits = 10;           // id bits at the head of the features
  std::vector<Cell> walls;           // interior walls (border cells are always walls)
  int64_t random_walls = 0;          // more walls drawn over the free interior at every reset
  Placement placement = Placement::kDefault;
  int64_t max_steps = 1000;
  bool minimap = false;
  // Also observe the groups that never act (gather's food): MAgent2's engine can, PettingZoo never asks,
  // so by default their views are left at zero.
  bool observe_passive = false;
  ObsDtype obs_dtype = ObsDtype::kF32;
  MeanActionMode mean_mode = MeanActionMode::kRadius;
  Metric mean_metric = Metric::kChebyshev;
  float mean_radius = 6.0f;
  MeanActionMethod mean_method = MeanActionMethod::kAuto;
  float nearest_fraction = 0.1f;  // kNearest: the share of a group each agent's ā counts
  int nearest_cap = 32;           // and at most this many
  int tile_size = 8;  // coarse tiles of the sorted spatial index

  int64_t n_agents() const;
  int n_groups() const { return static_cast<int>(groups.size()); }
  int group_index(const std::string& name) const;  // -1 when there is no such group
};

// battle as MAgent2 battle_v4 defines it (rules.md §4), n per team on an S×S map.
// map_size <= 0 picks S = ceil(5·sqrt(n)); n <= 0 picks MAgent's block count for S; both <= 0
// give the default 81 v 81 on 45×45.
WorldConfig battle_config(int64_t agents_per_team, int map_size);
int battle_map_side_for(int64_t agents_per_team);
int64_t battle_block_count_for(int map_size);

// Returns "" when the config can run, else one line naming the key and what would be valid. Keys:
// map_size, agents_per_team (battle's groups) or the group's name, max_steps, mean_radius, placement,
// walls, tile_size.
std::string validate(const WorldConfig& c);

// Side of a group's observation window, channel and feature counts (games.md §1.5).
int view_side(const WorldConfig& c, int group);
int obs_channels(const WorldConfig& c);
int n_features(const WorldConfig& c, int group);
int max_actions(const WorldConfig& c);

}  // namespace myriad
