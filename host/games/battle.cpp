// games/battle.cpp: MAgent2 battle_v4 (rules.md §4): two teams of the same soldier, +0.2 per non-lethal hit
// on the other team, 5 for a kill; blocks on a stride-2 lattice either side of the centre. Scales by
// MAgent's density: N per team on a side of ceil(5·sqrt(N)).
#include <cmath>
#include <stdexcept>
#include <string>

#include "game_helpers.hpp"
#include "myriad/placement.hpp"

namespace myriad {

int battle_map_side_for(int64_t n) {
  return static_cast<int>(std::ceil(5.0 * std::sqrt(static_cast<double>(n)) - 1e-9));
}

int64_t battle_block_count_for(int map_size) {
  const auto side = static_cast<int64_t>(std::sqrt(0.04 * map_size * map_size) + 1e-9);
  return side * side;
}

WorldConfig battle_config(int64_t n, int map_size) {
  GameSize size;
  size.map_size = map_size > 0 ? map_size : 0;
  size.agents_per_team = n > 0 ? n : 0;
  return game_config(Scenario::kBattle, size);
}

namespace games {

namespace {

// MAgent2 battle_v4's generate_map: a square block on a stride-2 lattice per team, gap 3 around the
// centre column, x outer and y inner (which fixes the ids); n per team (the config's counts).
std::vector<Cell> place_blocks(const WorldConfig& c) {
  const int gap = 3, W = c.width, H = c.height;
  std::vector<Cell> pos;
  for (int g = 0; g < 2; ++g) {
    const int64_t n = c.groups[static_cast<size_t>(g)].count;
    const int side = block_side_for(n);
    const int x0 = g == 0 ? W / 2 - gap - side : W / 2 + gap;
    const int y0 = (H - side) / 2;
    int64_t placed = 0;
    for (int x = x0; x < x0 + side && placed < n; x += 2)
      for (int y = y0; y < y0 + side && placed < n; y += 2, ++placed) pos.emplace_back(x, y);
  }
  for (auto [x, y] : pos)
    if (x < 1 || y < 1 || x >= W - 1 || y >= H - 1)
      throw std::invalid_argument("map too small for the blocks of " + std::to_string(c.groups[0].count) +
                                  " agents per team; use a larger map_size or placement random");
  return pos;
}

}  // namespace

GameSpec battle_spec() {
  GameSpec s;
  s.scenario = Scenario::kBattle;
  s.name = "battle";
  s.magent_name = "battle_v4";
  AgentType t;  // AgentType's defaults are battle's soldier ("small")
  t.name = "small";
  s.groups = {group("red", t, 0, 0xEB342D), group("blue", t, 1, 0x3478FF)};
  s.rules.hit[0][1] = s.rules.hit[1][0] = 0.2f;  // attack_opponent_reward
  s.default_map = 45;
  s.min_map = 3;
  s.max_steps = 1000;
  s.team_word = "team";
  s.size_rule = "N agents per team on a map side of ceil(5*sqrt(N)) (MAgent's density); a side S alone gives "
                "MAgent's block count (2*floor(0.2*S)/2)^2 per team";
  s.fit_map = [](WorldConfig& c, int64_t per_team) {
    const int64_t n = per_team > 0 ? per_team : battle_block_count_for(c.width);
    c.groups[0].count = c.groups[1].count = n;
  };
  s.map_for_team = [](int64_t n) { return battle_map_side_for(n); };
  s.map_for_agents = [](int64_t n) { return battle_map_side_for((n + 1) / 2); };
  s.place = [](const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t) {
    std::vector<Cell> pos = place_blocks(c);
    for (auto [x, y] : pos)
      if (wall[static_cast<size_t>(y) * static_cast<size_t>(c.width) + static_cast<size_t>(x)])
        throw std::invalid_argument("placement: a block cell (" + std::to_string(x) + ", " + std::to_string(y) +
                                    ") is a wall; use placement random");
    return pos;
  };
  return s;
}

}  // namespace games
}  // namespace myriad
