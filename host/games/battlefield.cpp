// games/battlefield.cpp: MAgent2 battlefield_v5 (games.md §6): battle's soldier and rules on an 80 map with
// two double columns of interior walls; 4×4 stride-2 lattices per team of which the cells on walls are
// rejected (12 per team). Scales by tiling: a side S >= 160 holds floor(S/80)² copies of the 80 map.
#include <string>

#include "game_helpers.hpp"

namespace myriad::games {

namespace {

constexpr int kTile = 80;

struct Layout {
  std::vector<Cell> walls;
  GroupCells agents;
};

// MAgent2's generate_map at side S (its float x coordinates truncated, as the engine does).
Layout magent_layout(int S) {
  Layout l;
  auto column_pair = [&](double x_a, double x_b, int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      l.walls.emplace_back(static_cast<int>(x_a), y);
      l.walls.emplace_back(static_cast<int>(x_b), y);
    }
  };
  const double half = S / 2.0;
  column_pair(half - 5, half - 4, 10, 45);
  column_pair(half - 5, half - 4, 50, S / 2 + 25);
  column_pair(half + 5, half + 4, S / 2 - 25, S - 50);
  column_pair(half + 5, half + 4, S - 45, S - 10);
  std::vector<uint8_t> taken(static_cast<size_t>(S) * static_cast<size_t>(S), 0);
  for (auto [x, y] : l.walls)
    if (x > 0 && y > 0 && x < S - 1 && y < S - 1) taken[static_cast<size_t>(y) * S + x] = 1;
  const int gap = 3, side = 8;  // init_num = 20: side = int(sqrt(20))·2
  l.agents.assign(2, {});
  for (int team = 0; team < 2; ++team) {
    const int x0 = team == 0 ? S / 2 - gap - side : S / 2 + gap;
    for (int x = x0; x < x0 + side; x += 2)
      for (int y = (S - side) / 2; y < (S - side) / 2 + side; y += 2) add_unique(l.agents[team], taken, S, S, x, y);
  }
  return l;
}

Layout layout_for(int S) {
  if (S < 2 * kTile) return magent_layout(S);
  const int k = S / kTile;
  const Layout one = magent_layout(kTile);
  return Layout{tiled_cells(one.walls, kTile, k), tiled(one.agents, kTile, k)};
}

}  // namespace

GameSpec battlefield_spec() {
  GameSpec s;
  s.scenario = Scenario::kBattlefield;
  s.name = "battlefield";
  s.magent_name = "battlefield_v5";
  AgentType t;
  t.name = "small";
  s.groups = {group("red", t, 0, 0xEB342D), group("blue", t, 1, 0x3478FF)};
  s.rules.hit[0][1] = s.rules.hit[1][0] = 0.2f;
  s.default_map = 80;
  s.min_map = 46;
  s.max_steps = 1000;
  s.team_word = "team";
  s.size_rule = "MAgent's 80x80 map (12 per team, 200 wall cells); a side S >= 160 tiles it floor(S/80)^2 times";
  s.fit_map = [](WorldConfig& c, int64_t) {
    const Layout l = layout_for(c.width);
    c.walls = l.walls;
    c.groups[0].count = static_cast<int64_t>(l.agents[0].size());
    c.groups[1].count = static_cast<int64_t>(l.agents[1].size());
  };
  s.map_for_team = [](int64_t n) {
    int k = 1;
    while (static_cast<int64_t>(12) * k * k < n) ++k;
    return kTile * k;
  };
  s.map_for_agents = [](int64_t n) {
    int k = 1;
    while (static_cast<int64_t>(24) * k * k < n) ++k;
    return kTile * k;
  };
  s.place = [](const WorldConfig& c, const std::vector<uint8_t>&, uint64_t) { return flatten(layout_for(c.width).agents); };
  return s;
}

}  // namespace myriad::games
