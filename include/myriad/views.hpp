// views.hpp: plain views (pointers + sizes, structure of arrays) over the world state. Rules take
// these, so one rule serves the CPU loop and the CUDA kernel; backends own the memory.
#pragma once
#include <cstdint>
#include "myriad/agent_type.hpp"

namespace myriad {

constexpr int32_t kEmpty = -1;
constexpr int32_t kWall = -2;

enum HitKind : uint8_t { kNoHit = 0, kNonLethalHit = 1, kKillingBlow = 2 };
enum MoveState : uint8_t { kMoveNone = 0, kMovePending = 1, kMoveDone = 2, kMoveFailed = 3 };

// Per-group data every rule may read; passed by value to kernels.
struct GroupTable {
  int n_groups;
  int64_t begin[kMaxGroups + 1];  // agents of group g are ids begin[g] .. begin[g+1]-1
  TypeParams type[kMaxGroups];
};

struct MapDims {
  int width, height;
  MYRIAD_HD int64_t n_cells() const { return static_cast<int64_t>(width) * height; }
  MYRIAD_HD bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  MYRIAD_HD int64_t cell(int x, int y) const { return static_cast<int64_t>(y) * width + x; }
};

// The agents, one slot per stable id.
struct AgentView {
  int64_t n;
  int32_t* x;
  int32_t* y;
  float* hp;
  uint8_t* alive;        // alive now
  uint8_t* died;         // died in the step just played (kept until the next step starts)
  uint8_t* group;
  uint8_t* action;       // action of the step being played / just played
  float* reward;         // reward of the step just played
  float* prev_reward;    // reward of the step before it (the feature vector carries it)
  int32_t* killer;       // per victim: id of the killing blow's attacker, or -1
  uint8_t* hit;          // per attacker: HitKind of its attack this step
  float* hit_bonus;      // per attacker: attack_opponent_reward or the victim's kill_reward
  uint8_t* move_state;   // MoveState
  uint8_t* decision;     // claim round scratch: 0 wait, 1 claimed, 2 failed
};

// The map: occupancy (cell -> agent id, kEmpty or kWall) and the static walls.
struct GridView {
  MapDims dims;
  int32_t* occ;
  const uint8_t* wall;
  unsigned long long* claim;  // move claims, 0 when unclaimed
};

// Coarse tiles over the map with agents sorted by tile (cell start/end pattern).
struct TileView {
  int tile, tiles_x, tiles_y;
  const int32_t* sorted_ids;   // alive agents sorted by tile, stable by id
  const int32_t* tile_start;   // n_tiles + 1 offsets into sorted_ids
  MYRIAD_HD int tile_of(int x, int y) const { return (y / tile) * tiles_x + (x / tile); }
};

}  // namespace myriad
