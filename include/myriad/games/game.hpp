// games/game.hpp: a game is data plus a few rules (architecture.md "Games"): its groups and agent types
// (the table), its reward rules, its defaults, how its population follows the map side, and its map
// set-up (walls and start positions). The six MAgent2 games are in host/games/, one file each; the rules
// they share live in rules/. Everything here is host-side: a game becomes a WorldConfig.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "myriad/config.hpp"

namespace myriad {

// What the user asked for; 0 = not given.
struct GameSize {
  int map_size = 0;
  int64_t agents = 0;           // the whole population
  int64_t agents_per_team = 0;  // per team (battle, battlefield), side (combined_arms), omnivores (gather)
};

struct GroupSpec {
  std::string name;
  AgentType type;
  int side = 0;
  bool acts = true;
  uint32_t color = 0;
};

struct GameSpec {
  Scenario scenario = Scenario::kBattle;
  std::string name;         // "battle"
  std::string magent_name;  // "battle_v4"
  std::vector<GroupSpec> groups;
  GameRules rules;
  std::vector<int> insertion_order;  // empty: group order
  int embedding_bits = 10;
  int default_map = 45;
  int min_map = 3;
  int64_t max_steps = 1000;  // PettingZoo's max_cycles
  std::string team_word;     // what agents_per_team counts ("" when the game has no such size)
  std::string size_rule;     // one line: how the population follows the map side
  // Fills counts, walls and random_walls of c for its map side (and, for battle, the counts asked for).
  std::function<void(WorldConfig& c, int64_t per_team)> fit_map;
  // The smallest map side for a population (total, or per team when the game has teams).
  std::function<int(int64_t agents)> map_for_agents;
  std::function<int(int64_t per_team)> map_for_team;  // empty when team_word is ""
  // The start anchors in slot order (group 0's agents first) on the map `wall` (W·H, 1 = wall).
  std::function<std::vector<Cell>(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed)> place;
  bool places_at_random = false;  // place draws uniform cells (a key per free cell while it runs)
  int learner_group = -1;         // the group `myriad train` trains by default (-1: the first that acts)
};

const GameSpec& game_spec(Scenario s);
// "battle" or MAgent2's "battle_v4" (and likewise for the others); throws std::invalid_argument
// listing the six games.
Scenario parse_scenario(const std::string& s);
const char* scenario_name(Scenario s);
std::string scenario_list();  // "battle, battlefield, adversarial_pursuit, gather, tiger_deer, combined_arms"

// The game with MAgent2's defaults at the size asked for (the default map when nothing is given).
// Throws std::invalid_argument (one line naming map_size, agents or agents_per_team and what would
// fit) when the size does not suit the game.
WorldConfig game_config(Scenario s, const GameSize& size = {});

}  // namespace myriad
