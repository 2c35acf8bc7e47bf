// games/game_helpers.hpp: pieces the game files share: a group row of the table, side counts by
// density, MAgent's lattice blocks, and tiling a generator's map k×k times (how the hand-made maps of
// battlefield and gather keep their densities at scale).
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/games/game.hpp"

namespace myriad::games {

inline GroupSpec group(const std::string& name, const AgentType& type, int side, uint32_t color, bool acts = true) {
  GroupSpec g;
  g.name = name;
  g.type = type;
  g.side = side;
  g.color = color;
  g.acts = acts;
  return g;
}

// MAgent's int(density · S²).
inline int64_t density_count(double density, int map_size) {
  return static_cast<int64_t>(density * static_cast<double>(map_size) * static_cast<double>(map_size));
}

// The smallest side S with int(density · S²) >= n.
inline int side_for_density(double density, int64_t n) {
  int s = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n) / density)));
  if (s < 3) s = 3;
  while (density_count(density, s) < n) ++s;
  return s;
}

// fit_map and map_for_agents of a game whose two groups and random walls all scale with the map side
// (int(density · S²) each): adversarial pursuit, tiger_deer.
inline void scale_by_density(GameSpec& s, double first, double second, double walls) {
  s.fit_map = [=](WorldConfig& c, int64_t) {
    c.groups[0].count = density_count(first, c.width);
    c.groups[1].count = density_count(second, c.width);
    c.random_walls = density_count(walls, c.width);
  };
  s.map_for_agents = [=](int64_t n) {
    int side = side_for_density(first + second, n);
    while (density_count(first, side) + density_count(second, side) < n) ++side;
    return side;
  };
}

// Anchors per group of a generator's map (slot order within each group).
using GroupCells = std::vector<std::vector<Cell>>;

// k×k copies of a `tile`-cell map, copy (tx, ty) shifted by (tile·tx, tile·ty): densities stay the tile's.
inline GroupCells tiled(const GroupCells& one, int tile, int k) {
  GroupCells out(one.size());
  for (size_t g = 0; g < one.size(); ++g)
    for (int ty = 0; ty < k; ++ty)
      for (int tx = 0; tx < k; ++tx)
        for (auto [x, y] : one[g]) out[g].emplace_back(x + tile * tx, y + tile * ty);
  return out;
}
inline std::vector<Cell> tiled_cells(const std::vector<Cell>& one, int tile, int k) {
  return tiled(GroupCells{one}, tile, k)[0];
}

inline std::vector<Cell> flatten(const GroupCells& by_group) {
  std::vector<Cell> all;
  for (const auto& v : by_group) all.insert(all.end(), v.begin(), v.end());
  return all;
}

// MAgent's add_agents(method="custom"): a cell that is a wall, off the interior or taken is rejected.
inline void add_unique(std::vector<Cell>& out, std::vector<uint8_t>& taken, int width, int height, int x, int y) {
  if (x <= 0 || y <= 0 || x >= width - 1 || y >= height - 1) return;
  const size_t c = static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x);
  if (taken[c]) return;
  taken[c] = 1;
  out.emplace_back(x, y);
}

GameSpec battle_spec();
GameSpec battlefield_spec();
GameSpec adversarial_pursuit_spec();
GameSpec gather_spec();
GameSpec tiger_deer_spec();
GameSpec combined_arms_spec();

}  // namespace myriad::games
