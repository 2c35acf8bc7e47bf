// rules/grid.hpp: the spatial index rebuilt every step: occupancy (cell -> agent, walls) and the
// coarse-tile key by which alive agents are sorted (cell start/end pattern).
#pragma once
#include "myriad/views.hpp"

namespace myriad {

// Per cell: clear to wall or empty.
MYRIAD_HD void clear_cell(int64_t c, const GridView& g) { g.occ[c] = g.wall[c] ? kWall : kEmpty; }

// Per agent: an alive agent marks its cell (one body per cell, so no conflicts).
MYRIAD_HD void scatter_agent(int64_t i, const AgentView& a, const GridView& g) {
  if (a.alive[i]) g.occ[g.dims.cell(a.x[i], a.y[i])] = static_cast<int32_t>(i);
}

// Per agent: its tile, or n_tiles (sorted last) when dead.
MYRIAD_HD int32_t tile_key(int64_t i, const AgentView& a, const TileView& tv) {
  return a.alive[i] ? tv.tile_of(a.x[i], a.y[i]) : tv.tiles_x * tv.tiles_y;
}

}  // namespace myriad
