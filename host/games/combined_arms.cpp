// games/combined_arms.cpp: MAgent2 combined_arms_v6 (games.md §5): two sides of melee and ranged units (four
// groups); every hit damages (friendly fire included), +0.2 per non-lethal hit and +5 per kill of the
// other side. Each side a block on a stride-2 lattice, columns alternating melee and ranged; the block
// grows with the map (about 0.04·S² per side), so the density holds at any side.
#include <algorithm>
#include <cmath>

#include "game_helpers.hpp"

namespace myriad::games {

namespace {

// MAgent2's generate_map at side S: [red melee, red ranged, blue melee, blue ranged].
GroupCells magent_layout(int S) {
  GroupCells out(4);
  const int gap = 3;
  const int side = static_cast<int>(std::sqrt(static_cast<double>(S) * S * 0.04)) * 2;
  int ct = 0;
  for (int x = std::max(S / 2 - gap - side, 1); x < S / 2 - gap - side + side; x += 2) {
    for (int y = (S - side) / 2; y < (S - side) / 2 + side; y += 2) out[static_cast<size_t>(ct % 2)].emplace_back(x, y);
    ++ct;
  }
  const int columns = ct;
  ct = 0;
  for (int x = S / 2 + gap; x < std::min(S / 2 + gap + side, S - 1); x += 2) {
    for (int y = (S - side) / 2; y < std::min((S - side) / 2 + side, S - 1); y += 2)
      out[static_cast<size_t>(2 + ct % 2)].emplace_back(x, y);
    ++ct;
    if (columns <= ct) break;
  }
  return out;
}

int64_t per_side(int S) {
  const GroupCells l = magent_layout(S);
  return static_cast<int64_t>(l[0].size() + l[1].size());
}

}  // namespace

GameSpec combined_arms_spec() {
  GameSpec s;
  s.scenario = Scenario::kCombinedArms;
  s.name = "combined_arms";
  s.magent_name = "combined_arms_v6";
  AgentType melee;
  melee.name = "melee";
  melee.hp_max = 10.0f;
  melee.speed = 1.0f;
  melee.view_radius = 6.0f;
  melee.attack_radius = 1.0f;
  melee.damage = 2.0f;
  melee.step_recover = 0.1f;
  melee.kill_reward = 0.0f;
  melee.attack_in_group = true;
  AgentType ranged = melee;
  ranged.name = "ranged";
  ranged.hp_max = 3.0f;
  ranged.speed = 2.0f;
  ranged.attack_radius = 2.0f;
  s.groups = {group("redmelee", melee, 0, 0xEB342D), group("redranged", ranged, 0, 0xFF9682),
              group("bluemelee", melee, 1, 0x3478FF), group("blueranged", ranged, 1, 0x8CBEFF)};
  for (int a = 0; a < 4; ++a)
    for (int v = 0; v < 4; ++v)
      if (s.groups[static_cast<size_t>(a)].side != s.groups[static_cast<size_t>(v)].side) {
        s.rules.hit[a][v] = 0.2f;  // attack_opponent_reward
        s.rules.kill[a][v] = 5.0f;  // KILL_REWARD, as rules
      }
  s.default_map = 45;
  s.min_map = 16;
  s.max_steps = 1000;
  s.team_word = "side";
  s.size_rule = "a block per side of about 0.04*S^2 units (45 melee + 36 ranged at S = 45), columns alternating "
                "melee and ranged";
  s.fit_map = [](WorldConfig& c, int64_t) {
    const GroupCells l = magent_layout(c.width);
    for (size_t g = 0; g < 4; ++g) c.groups[g].count = static_cast<int64_t>(l[g].size());
  };
  s.map_for_team = [](int64_t n) {
    int side = std::max(16, static_cast<int>(std::ceil(5.0 * std::sqrt(static_cast<double>(n)))) - 4);
    while (per_side(side) < n) ++side;
    return side;
  };
  s.map_for_agents = [](int64_t n) {
    int side = std::max(16, static_cast<int>(std::ceil(5.0 * std::sqrt(static_cast<double>(n) / 2))) - 4);
    while (2 * per_side(side) < n) ++side;
    return side;
  };
  s.place = [](const WorldConfig& c, const std::vector<uint8_t>&, uint64_t) { return flatten(magent_layout(c.width)); };
  return s;
}

}  // namespace myriad::games
