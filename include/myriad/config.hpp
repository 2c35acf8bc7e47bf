// config.hpp: everything that defines a world (map, groups, placement, observation and
// mean-action options) and its validation, with one-line messages that name what would work.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "myriad/agent_type.hpp"

namespace myriad {

enum class Placement { kBlocks, kRandom };
enum class ObsDtype { kF32, kBf16 };
enum class MeanActionMode { kOff, kRadius, kTeamWide };
enum class Metric { kChebyshev, kEuclidean };
enum class MeanActionMethod { kAuto, kSliding, kGather };  // Chebyshev only; same result

struct GroupConfig {
  AgentType type;
  int64_t count = 0;
};

struct WorldConfig {
  std::string scenario = "battle";
  int width = 45, height = 45;
  std::vector<GroupConfig> groups;
  std::vector<std::pair<int, int>> extra_walls;
  Placement placement = Placement::kBlocks;
  int64_t max_steps = 1000;
  bool minimap = false;
  ObsDtype obs_dtype = ObsDtype::kF32;
  MeanActionMode mean_mode = MeanActionMode::kRadius;
  Metric mean_metric = Metric::kChebyshev;
  float mean_radius = 6.0f;
  MeanActionMethod mean_method = MeanActionMethod::kAuto;
  int tile_size = 8;  // coarse tiles of the sorted spatial index

  int64_t n_agents() const;
  int n_groups() const { return static_cast<int>(groups.size()); }
};

// battle as MAgent2 battle_v4 defines it (rules.md §4), n per team on an S×S map.
// map_size <= 0 picks S = ceil(5·sqrt(n)); n <= 0 picks MAgent's block count for S; both <= 0
// give the default 81 v 81 on 45×45.
WorldConfig battle_config(int64_t agents_per_team, int map_size);
int battle_map_side_for(int64_t agents_per_team);
int64_t battle_block_count_for(int map_size);

// Returns "" when the config can run, else one line naming the option and what would be valid.
std::string validate(const WorldConfig& c);

// Side of the observation window and channel/feature counts (rules.md §5).
int view_side(const WorldConfig& c, int group);
int obs_channels(const WorldConfig& c);
int n_features(const WorldConfig& c, int group);
int max_actions(const WorldConfig& c);

}  // namespace myriad
