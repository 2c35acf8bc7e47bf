// games/gather.cpp: MAgent2 gather_v5 (games.md §3): omnivores eat food, a group of 25-hp agents that
// never acts (0.39 a bite, 4.89 for the last); omnivores one-shot each other. Omnivores on three square
// rings, food on ten rings and a central 53×53 pattern; omnivore ids first (MAgent adds them first), no
// id bits. Scales by tiling: a side S >= 400 holds floor(S/200)² copies of the 200 map.
#include "game_helpers.hpp"

namespace myriad::games {

namespace {

constexpr int kTile = 200;

// MAgent2's generate_map at side S: [food, omnivores] by group, repeats rejected as the engine does.
GroupCells magent_layout(int S) {
  GroupCells out(2);
  std::vector<uint8_t> taken(static_cast<size_t>(S) * static_cast<size_t>(S), 0);
  const int c = S / 2;
  auto square = [&](std::vector<Cell>& dst, double side_f, int gap) {
    const int h = static_cast<int>(side_f) / 2;
    for (int x = c - h; x <= c + h; x += gap) {
      add_unique(dst, taken, S, S, x, c - h);
      add_unique(dst, taken, S, S, x, c + h);
    }
    for (int y = c - h; y <= c + h; y += gap) {
      add_unique(dst, taken, S, S, c - h, y);
      add_unique(dst, taken, S, S, c + h, y);
    }
  };
  square(out[1], S * 0.9, 3);
  square(out[1], S * 0.8, 4);
  square(out[1], S * 0.7, 6);
  square(out[0], S * 0.65, 10);
  square(out[0], S * 0.6, 10);
  square(out[0], S * 0.55, 10);
  square(out[0], S * 0.5, 4);
  square(out[0], S * 0.45, 3);
  square(out[0], S * 0.4, 1);
  square(out[0], S * 0.3, 1);
  square(out[0], S * 0.3 - 2, 1);
  square(out[0], S * 0.3 - 4, 1);
  square(out[0], S * 0.3 - 6, 1);
  const int base = S / 2 - 53 / 2;  // the 53×53 pattern: cells with i mod 4 and j mod 4 both in {2, 3}
  for (int i = 0; i < 53; ++i)
    for (int j = 0; j < 53; ++j)
      if (i % 4 >= 2 && j % 4 >= 2) add_unique(out[0], taken, S, S, base + j, base + i);
  return out;
}

GroupCells layout_for(int S) {
  if (S < 2 * kTile) return magent_layout(S);
  return tiled(magent_layout(kTile), kTile, S / kTile);
}

}  // namespace

GameSpec gather_spec() {
  GameSpec s;
  s.scenario = Scenario::kGather;
  s.name = "gather";
  s.magent_name = "gather_v5";
  AgentType food;
  food.name = "food";
  food.hp_max = 25.0f;
  food.speed = 0.0f;
  food.view_radius = 1.0f;
  food.attack_radius = 0.0f;
  food.damage = 0.0f;
  food.step_recover = 0.0f;
  food.kill_reward = 5.0f;
  food.step_reward = 0.0f;
  food.dead_penalty = 0.0f;
  food.attack_penalty = 0.0f;
  AgentType omnivore;
  omnivore.name = "agent";
  omnivore.hp_max = 3.0f;
  omnivore.speed = 3.0f;
  omnivore.view_radius = 7.0f;
  omnivore.attack_radius = 1.0f;
  omnivore.damage = 6.0f;
  omnivore.step_recover = 0.0f;
  omnivore.kill_reward = 0.0f;
  omnivore.step_reward = -0.01f;
  omnivore.attack_penalty = -0.1f;
  omnivore.dead_penalty = -1.0f;
  omnivore.attack_in_group = true;
  s.groups = {group("food", food, 0, 0x8CD23C, false), group("omnivore", omnivore, 1, 0xEB342D)};
  s.rules.hit[1][0] = 0.5f;  // attack_food_reward
  s.insertion_order = {1, 0};
  s.embedding_bits = 0;
  s.default_map = kTile;
  s.min_map = 64;
  s.max_steps = 500;
  s.team_word = "omnivores";
  s.size_rule = "MAgent's 200x200 map (495 omnivores, 2272 food); a side S >= 400 tiles it floor(S/200)^2 times";
  s.fit_map = [](WorldConfig& c, int64_t) {
    const GroupCells l = layout_for(c.width);
    c.groups[0].count = static_cast<int64_t>(l[0].size());
    c.groups[1].count = static_cast<int64_t>(l[1].size());
  };
  s.map_for_team = [](int64_t n) {
    int k = 1;
    while (int64_t{495} * k * k < n) ++k;
    return kTile * k;
  };
  s.map_for_agents = [](int64_t n) {
    int k = 1;
    while (int64_t{2767} * k * k < n) ++k;
    return kTile * k;
  };
  s.place = [](const WorldConfig& c, const std::vector<uint8_t>&, uint64_t) { return flatten(layout_for(c.width)); };
  return s;
}

}  // namespace myriad::games
