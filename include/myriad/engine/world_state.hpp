// engine/world_state.hpp: WorldState, every view and parameter one step of the world reads or writes
// (pointers into the backend's buffers), and the StepStats fields reduced on the backend. The World
// fills it; the phases (engine/world_phases.hpp) take it.
#pragma once
#include <cstdint>

#include "myriad/bf16.hpp"
#include "myriad/rules/mean_action.hpp"
#include "myriad/rules/observe.hpp"
#include "myriad/views.hpp"

namespace myriad {

// Per-group sums of one step, reduced on the backend as integers (order-free), [field][group].
enum StatField { kStatAlive = 0, kStatDeaths, kStatKills, kStatHits, kStatReward, kStatFields };
constexpr int kStatSlots = kStatFields * kMaxGroups;

struct WorldState {
  AgentView a;
  GridView g;
  GroupTable gt;
  ObsLayouts obs;
  // Spatial index.
  TileView tiles;
  uint32_t* tile_keys;     // n
  uint32_t* sorted_keys;   // n
  const int32_t* ids;      // n: 0..n-1
  int32_t* sorted_ids;     // n (tiles.sorted_ids)
  int32_t* tile_start;     // n_tiles + 2 (tiles.tile_start)
  int sort_end_bit;
  // Mean action.
  MeanActionMode mean_mode;
  MeanActionParams ma;
  float* mean;             // n·k_stride
  uint8_t* hc;             // G·cells·k_stride (sliding passes) or null
  uint32_t* team_counts;   // kMaxGroups·kMaxActions
  // Observations.
  float* obs_f32;          // Σ_g count·row_stride, or null (bf16)
  Bf16* obs_bf16;          // or null (f32)
  float* feat;             // Σ_g count·n_features
  int32_t* minimap_counts; // G·G·max_side²
  int32_t* minimap_div;    // G
  // Scratch and results.
  unsigned long long* stats;  // kStatSlots
  unsigned long long* moved;  // 1: agents whose move state changed in the last round
  int32_t* move_list;         // n on the host backend (the pending movers of a round), null on the device
  uint64_t seed;
  int64_t t;               // the step being played (0 for the first)
};

}  // namespace myriad
