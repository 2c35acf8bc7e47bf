// placement.cpp: MAgent's block placement and the counter-based random placement (rules.md §4).
#include "myriad/placement.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "myriad/rng.hpp"

namespace myriad {

int block_side_for(int64_t n) {
  auto k = static_cast<int64_t>(std::sqrt(static_cast<double>(n)));
  while (k * k < n) ++k;
  return static_cast<int>(2 * k);
}

std::vector<uint8_t> build_walls(const WorldConfig& c) {
  const int W = c.width, H = c.height;
  std::vector<uint8_t> wall(static_cast<size_t>(W) * H, 0);
  for (int x = 0; x < W; ++x) wall[x] = wall[static_cast<size_t>(H - 1) * W + x] = 1;
  for (int y = 0; y < H; ++y) wall[static_cast<size_t>(y) * W] = wall[static_cast<size_t>(y) * W + W - 1] = 1;
  for (auto [x, y] : c.extra_walls) {
    if (x < 0 || y < 0 || x >= W || y >= H) throw std::invalid_argument("wall outside the map");
    wall[static_cast<size_t>(y) * W + x] = 1;
  }
  return wall;
}

namespace {

// MAgent2 battle_v4's generate_map: a square block on a stride-2 lattice per team, gap 3 around
// the centre column, x outer and y inner (which fixes the ids).
void place_blocks(const WorldConfig& c, std::vector<std::pair<int, int>>& pos) {
  const int gap = 3, W = c.width, H = c.height;
  for (int g = 0; g < 2; ++g) {
    const int64_t n = c.groups[g].count;
    const int side = block_side_for(n);
    const int x0 = g == 0 ? W / 2 - gap - side : W / 2 + gap;
    const int y0 = (H - side) / 2;
    int64_t placed = 0;
    for (int x = x0; x < x0 + side && placed < n; x += 2)
      for (int y = y0; y < y0 + side && placed < n; y += 2, ++placed) pos.emplace_back(x, y);
  }
}

void place_random(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed,
                  std::vector<std::pair<int, int>>& pos) {
  const int64_t n = c.n_agents();
  std::vector<uint64_t> keys;  // (draw << 32) | cell: unique, so the order is total
  keys.reserve(static_cast<size_t>(c.width - 2) * (c.height - 2));
  for (int y = 1; y < c.height - 1; ++y)
    for (int x = 1; x < c.width - 1; ++x) {
      const auto cell = static_cast<uint32_t>(static_cast<int64_t>(y) * c.width + x);
      if (wall[cell]) continue;
      keys.push_back((static_cast<uint64_t>(draw_u32(seed, cell, 0, Stream::kPlacement)) << 32) | cell);
    }
  if (static_cast<int64_t>(keys.size()) < n)
    throw std::invalid_argument("map too small: " + std::to_string(n) + " agents but only " +
                                std::to_string(keys.size()) + " free interior cells");
  std::nth_element(keys.begin(), keys.begin() + (n - 1), keys.end());
  std::sort(keys.begin(), keys.begin() + n);
  for (int64_t k = 0; k < n; ++k) {
    const auto cell = static_cast<uint32_t>(keys[k]);
    pos.emplace_back(static_cast<int>(cell % c.width), static_cast<int>(cell / c.width));
  }
}

}  // namespace

std::vector<std::pair<int, int>> place_agents(const WorldConfig& c, const std::vector<uint8_t>& wall,
                                              uint64_t seed) {
  std::vector<std::pair<int, int>> pos;
  pos.reserve(static_cast<size_t>(c.n_agents()));
  if (c.placement == Placement::kBlocks) {
    if (c.n_groups() != 2) throw std::invalid_argument("--placement blocks needs exactly 2 groups");
    place_blocks(c, pos);
    for (auto [x, y] : pos)
      if (x < 1 || y < 1 || x >= c.width - 1 || y >= c.height - 1 || wall[static_cast<size_t>(y) * c.width + x])
        throw std::invalid_argument("map too small for --placement blocks; use a larger --map-size");
  } else {
    place_random(c, wall, seed, pos);
  }
  return pos;
}

}  // namespace myriad
