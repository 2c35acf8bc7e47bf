// placement.hpp: where agents start (rules.md §4): MAgent's blocks, or uniform over the empty
// interior by the counter-based RNG. Computed once per reset on the host for both backends.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>
#include "myriad/config.hpp"

namespace myriad {

// Interior walls of the config (border walls included): wall[y*W + x].
std::vector<uint8_t> build_walls(const WorldConfig& c);

// Positions of every agent, id order. Throws std::invalid_argument when they do not fit.
std::vector<std::pair<int, int>> place_agents(const WorldConfig& c, const std::vector<uint8_t>& wall,
                                              uint64_t seed);

// Side (in cells) of MAgent's block for n agents: 2·ceil(sqrt(n)).
int block_side_for(int64_t n);

}  // namespace myriad
