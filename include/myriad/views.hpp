// views.hpp: plain views (pointers + sizes, structure of arrays) over the world state and the group
// table every rule reads. Rules take these, so one rule serves the CPU loop and the CUDA kernel;
// the backend owns the memory.
#pragma once
#include <cstdint>
#include "myriad/agent_type.hpp"

namespace myriad {

constexpr int32_t kEmpty = -1;
constexpr int32_t kWall = -2;

enum HitKind : uint8_t { kNoHit = 0, kNonLethalHit = 1, kKillingBlow = 2 };
enum MoveState : uint8_t { kMoveNone = 0, kMovePending = 1, kMoveDone = 2, kMoveFailed = 3 };

// The game's reward rules between groups (MAgent's reward rules, games.md §2–§6), a = attacker's
// group, v = victim's. A non-lethal hit is MAgent's ATTACK event, the killing blow its KILL.
struct RewardRules {
  float hit[kMaxGroups][kMaxGroups];        // per non-lethal hit: to the attacker
  float hit_taken[kMaxGroups][kMaxGroups];  // per non-lethal hit: to the victim
  float kill[kMaxGroups][kMaxGroups];       // per killing blow: to the attacker (kept if it dies too)
  float pair[kMaxGroups][kMaxGroups];       // to the attacker, per other attacker of its group whose
                                            // non-lethal hit landed on the same victim (tiger_deer)
  uint8_t lands[kMaxGroups][kMaxGroups];    // 1: an attack of a on an agent of v hits (damage, rules)
};

// Per-group data every rule may read; passed by value to kernels.
struct GroupTable {
  int n_groups;
  int embedding_bits;             // id bits at the head of the features (10; gather 0)
  int multi_cell;                 // 1 when some body is larger than 1×1
  int64_t begin[kMaxGroups + 1];  // agents of group g are slots begin[g] .. begin[g+1]-1
  int64_t present[kMaxGroups];    // the group's first present[g] slots take part in the episode (all
                                  // but under grow_population); the others start it dead
  int64_t id_base[kMaxGroups];    // MAgent id of the group's first agent (ids follow insertion order)
  int side[kMaxGroups];           // which side the group fights for (scripted enemies, combined_arms)
  uint8_t acts[kMaxGroups];       // 0: the group never acts (gather's food): no action in its features
  uint32_t color[kMaxGroups];     // 0xRRGGBB of the group in rendered frames
  TypeParams type[kMaxGroups];
  RewardRules rules;
  MYRIAD_HD int64_t count(int g) const { return begin[g + 1] - begin[g]; }
  MYRIAD_HD bool takes_part(int64_t i, int g) const { return i - begin[g] < present[g]; }
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
  int32_t* x;            // anchor (top-left cell of the body)
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
  float* hit_bonus;      // per attacker: the victim's kill_reward for a killing blow (lost if it dies)
  float* rule_bonus;     // per attacker: its reward rules' values for its hit (kept if it dies)
  float* taken;          // per victim: the rules' rewards for the non-lethal hits it took
  uint8_t* pair_hits;    // per victim: non-lethal hits from groups with a pair rule on it
  uint8_t* move_state;   // MoveState
  uint8_t* decision;     // claim round scratch: 0 wait, 1 claimed, 2 failed
};

// The map: occupancy (cell -> agent id, kEmpty or kWall) and the walls.
struct GridView {
  MapDims dims;
  int32_t* occ;
  const uint8_t* wall;
  unsigned long long* claim;  // move claims, 0 when unclaimed
};

// Coarse tiles over the map with agents sorted by tile (cell start/end pattern).
struct TileView {
  int tile, tiles_x, tiles_y;
  const int32_t* sorted_ids;   // alive agents sorted by the tile of their anchor, stable by id
  const int32_t* tile_start;   // n_tiles + 1 offsets into sorted_ids
  MYRIAD_HD int tile_of(int x, int y) const { return (y / tile) * tiles_x + (x / tile); }
};

// Calls f(x, y) for every cell of agent i's body at anchor (ax, ay).
template <typename F>
MYRIAD_HD void for_body_cells(const TypeParams& t, int ax, int ay, F f) {
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) f(ax + bx, ay + by);
}

}  // namespace myriad
