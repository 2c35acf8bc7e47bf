// games/registry.cpp: the six games by Scenario, their names (ours and MAgent2's), and game_config: a
// game's WorldConfig at the size asked for, refused with one line when the size does not suit it.
#include <stdexcept>
#include <string>

#include "game_helpers.hpp"
#include "myriad/printable.hpp"

namespace myriad {

namespace {

constexpr Scenario kAll[] = {Scenario::kBattle,    Scenario::kBattlefield, Scenario::kAdversarialPursuit,
                             Scenario::kGather,    Scenario::kTigerDeer,   Scenario::kCombinedArms};

const GameSpec& spec_of(Scenario s) {
  static const GameSpec specs[] = {games::battle_spec(), games::battlefield_spec(), games::adversarial_pursuit_spec(),
                                   games::gather_spec(), games::tiger_deer_spec(), games::combined_arms_spec()};
  return specs[static_cast<int>(s)];
}

}  // namespace

const GameSpec& game_spec(Scenario s) { return spec_of(s); }

const char* scenario_name(Scenario s) { return spec_of(s).name.c_str(); }

std::string scenario_list() {
  std::string out;
  for (Scenario s : kAll) out += (out.empty() ? "" : ", ") + spec_of(s).name;
  return out;
}

Scenario parse_scenario(const std::string& text) {
  for (Scenario s : kAll)
    if (text == spec_of(s).name || text == spec_of(s).magent_name) return s;
  throw std::invalid_argument("scenario: unknown game '" + printable(text) + "'; valid: " + scenario_list());
}

WorldConfig game_config(Scenario sc, const GameSize& size) {
  const GameSpec& g = spec_of(sc);
  const std::string name = g.name;
  if (size.map_size < 0 || size.agents < 0 || size.agents_per_team < 0)
    throw std::invalid_argument(name + ": sizes must be positive");
  if (size.agents > 0 && size.agents_per_team > 0)
    throw std::invalid_argument(name + ": give agents or agents_per_team, not both");
  if (size.agents_per_team > 0 && g.team_word.empty())
    throw std::invalid_argument("agents_per_team: " + name + " has groups of different sizes (" + g.size_rule +
                                "); give map_size or agents (the whole population)");
  const bool battle = sc == Scenario::kBattle;
  if (!battle && size.map_size > 0 && (size.agents > 0 || size.agents_per_team > 0))
    throw std::invalid_argument(name + ": the map side fixes the population (" + g.size_rule +
                                "); give map_size or agents, not both");
  int64_t per_team = size.agents_per_team;
  if (battle && size.agents > 0) {
    if (size.agents % 2 != 0)
      throw std::invalid_argument("agents: battle has two teams of the same size; give an even number (got " +
                                  std::to_string(size.agents) + ")");
    per_team = size.agents / 2;
  }
  int side = size.map_size;
  if (side == 0) {
    side = per_team > 0 ? g.map_for_team(per_team) : size.agents > 0 ? g.map_for_agents(size.agents) : g.default_map;
    if (side < g.min_map) side = g.min_map;
  }
  if (side > 65535)
    throw std::invalid_argument("map_size: " + name + " needs a side of " + std::to_string(side) +
                                " for that population, above the 65535 maximum; use fewer agents");
  if (side < g.min_map)
    throw std::invalid_argument("map_size: " + name + "'s map generator needs a side >= " + std::to_string(g.min_map) +
                                " (got " + std::to_string(side) + ")");
  WorldConfig c;
  c.scenario = sc;
  c.width = c.height = side;
  for (const GroupSpec& gs : g.groups) {
    GroupConfig gc;
    gc.name = gs.name;
    gc.type = gs.type;
    gc.side = gs.side;
    gc.acts = gs.acts;
    gc.color = gs.color;
    c.groups.push_back(gc);
  }
  c.rules = g.rules;
  c.insertion_order = g.insertion_order;
  c.embedding_bits = g.embedding_bits;
  c.max_steps = g.max_steps;
  g.fit_map(c, per_team);
  return c;
}

}  // namespace myriad
