// rules/grid.hpp: the spatial index rebuilt every step: occupancy (cell -> agent, every cell of a body;
// walls) and the coarse-tile key of each agent's anchor, by which alive agents are sorted.
#pragma once
#include "myriad/views.hpp"

namespace myriad {

// Per cell: clear to wall or empty.
MYRIAD_HD void clear_cell(int64_t c, const GridView& g) { g.occ[c] = g.wall[c] ? kWall : kEmpty; }

// Per agent: an alive agent marks the cells of its body (one body per cell, so no conflicts).
MYRIAD_HD void scatter_agent(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt) {
  if (!a.alive[i]) return;
  const TypeParams& t = gt.type[a.group[i]];
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) g.occ[g.dims.cell(a.x[i] + bx, a.y[i] + by)] = static_cast<int32_t>(i);
}

// Per agent: the tile of its anchor, or n_tiles (sorted last) when dead.
MYRIAD_HD int32_t tile_key(int64_t i, const AgentView& a, const TileView& tv) {
  return a.alive[i] ? tv.tile_of(a.x[i], a.y[i]) : tv.tiles_x * tv.tiles_y;
}

// Per k in [0, n_starts): the first position of sorted_keys (ascending, n of them) whose key is >= k,
// i.e. the start of tile k.
MYRIAD_HD int32_t tile_start_of(int64_t k, const uint32_t* sorted_keys, int64_t n) {
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (static_cast<int64_t>(sorted_keys[mid]) < k) lo = mid + 1;
    else hi = mid;
  }
  return static_cast<int32_t>(lo);
}

}  // namespace myriad
