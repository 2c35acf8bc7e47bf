// placement.hpp: the map set-up every game shares: the wall grid (border, fixed walls, walls drawn per
// episode), start positions as the config says (the game's own generator, or uniform over the free
// interior by the counter-based RNG), and the pieces the generators are made of (MAgent's blocks).
// Computed on the host once per reset, for both backends.
#pragma once
#include <cstdint>
#include <vector>

#include "myriad/config.hpp"

namespace myriad {

// The map's walls as a grid (W·H, 1 = wall): the border, c.walls, and c.random_walls more drawn from
// `seed` over the free interior (pursuit and tiger_deer redraw theirs every episode, as MAgent does).
// Throws std::invalid_argument naming the wall that leaves the map, or when the walls do not fit.
std::vector<uint8_t> build_walls(const WorldConfig& c, uint64_t seed = 0);

// Every agent's start anchor in slot order (group 0 first), as c.placement says. Throws
// std::invalid_argument when the agents do not fit.
std::vector<Cell> place_agents(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed);

// Uniform placement: the groups in insertion order take, agent by agent, the next interior anchor in
// the order of a Philox key per cell at which their whole body lands on free cells.
std::vector<Cell> random_anchors(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed);

// Whether a w×h body at anchor (x, y) lies inside the map on cells that are neither walls nor taken.
bool body_fits(const std::vector<uint8_t>& taken, int width, int height, int x, int y, int w, int h);

// Side (in cells) of MAgent's block for n agents: 2·ceil(sqrt(n)).
int block_side_for(int64_t n);

}  // namespace myriad
