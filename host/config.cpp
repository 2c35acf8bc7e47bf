// config.cpp: WorldConfig's derived sizes and its validation (one line naming the key and what fits).
#include "myriad/config.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "myriad/games/game.hpp"
#include "myriad/placement.hpp"
#include "myriad/rules/attack.hpp"

namespace myriad {

int64_t WorldConfig::n_agents() const {
  int64_t n = 0;
  for (const auto& g : groups) n += g.count;
  return n;
}

int WorldConfig::group_index(const std::string& name) const {
  for (size_t g = 0; g < groups.size(); ++g)
    if (groups[g].name == name) return static_cast<int>(g);
  return -1;
}

int max_actions(const WorldConfig& c) {
  int k = 0;
  for (const auto& g : c.groups) k = std::max(k, make_type_params(g.type).n_actions());
  return k;
}

int view_side(const WorldConfig& c, int group) { return make_type_params(c.groups.at(group).type).view_side; }

int obs_channels(const WorldConfig& c) { return 1 + c.n_groups() * (c.minimap ? 3 : 2); }

int n_features(const WorldConfig& c, int group) {
  return c.embedding_bits + make_type_params(c.groups.at(group).type).n_actions() + 1 + (c.minimap ? 2 : 0);
}

namespace {

bool finite_all(const AgentType& t) {
  for (float v : {t.hp_max, t.speed, t.view_radius, t.attack_radius, t.damage, t.step_recover, t.kill_reward,
                  t.kill_supply, t.step_reward, t.dead_penalty, t.attack_penalty})
    if (!std::isfinite(v)) return false;
  return true;
}

std::string size_text(const WorldConfig& c) { return std::to_string(c.width) + "x" + std::to_string(c.height); }

}  // namespace

std::string validate(const WorldConfig& c) {
  if (c.width < 3 || c.height < 3 || c.width > 65535 || c.height > 65535)
    return "map_size must be between 3 and 65535 (got " + size_text(c) + ")";
  if (c.groups.empty() || c.n_groups() > kMaxGroups) return "a world needs 1 to " + std::to_string(kMaxGroups) + " groups";
  const bool battle = c.scenario == Scenario::kBattle;
  int64_t body_cells = 0;
  for (const auto& g : c.groups) {
    if (g.count <= 0)
      return battle ? "agents_per_team must be a positive integer (got " + std::to_string(g.count) + ")"
                    : "group '" + g.name + "' has no agents (got " + std::to_string(g.count) + "); give it at least one";
    const auto& t = g.type;
    if (!finite_all(t)) return "agent type '" + t.name + "': every number must be finite";
    if (!(t.view_radius > 0) || t.view_radius > 31)
      return "agent type '" + t.name + "': view radius must be in (0, 31] (got " + std::to_string(t.view_radius) + ")";
    if (!(t.attack_radius >= 0) || !(t.speed >= 0) || t.attack_radius > 16 || t.speed > 16)
      return "agent type '" + t.name + "': attack radius and speed must be in [0, 16]";
    if (!(t.hp_max > 0)) return "agent type '" + t.name + "': hp_max must be positive";
    try {
      make_type_params(t);
    } catch (const std::exception& e) {
      return e.what();
    }
    if (g.count > 2147483647LL) return "at most 2^31-1 agents in one world";
    body_cells += g.count * t.body_w * t.body_h;
  }
  if (c.n_agents() > 2147483647LL) return "at most 2^31-1 agents in one world";
  for (const auto& v : c.groups) {  // the attackers that can aim at one agent must fit the rule's list
    int64_t attackers = 0;
    for (const auto& a : c.groups)
      if (&a != &v || a.type.attack_in_group) attackers += make_type_params(a.type).n_attacks;
    attackers *= static_cast<int64_t>(v.type.body_w) * v.type.body_h;
    if (attackers > kMaxAttackersPerVictim)
      return "agent types: up to " + std::to_string(attackers) + " attackers could aim at one '" + v.name +
             "' agent, the rules take " + std::to_string(kMaxAttackersPerVictim) + "; use smaller attack radii";
  }
  if (c.embedding_bits < 0 || c.embedding_bits > 31) return "embedding_bits must be in [0, 31]";
  if (!c.insertion_order.empty()) {
    std::vector<int> seen(c.groups.size(), 0);
    if (c.insertion_order.size() != c.groups.size()) return "insertion_order must list every group once";
    for (int g : c.insertion_order) {
      if (g < 0 || g >= c.n_groups() || seen[static_cast<size_t>(g)]++) return "insertion_order must list every group once";
    }
  }
  if (c.mean_mode == MeanActionMode::kNearest &&
      (!(c.nearest_fraction > 0 && c.nearest_fraction <= 1) || c.nearest_cap < 1 || c.nearest_cap > kMaxNearest))
    return "nearest_fraction must be in (0, 1] and nearest_cap in [1, " + std::to_string(kMaxNearest) + "]";
  if (c.mean_mode != MeanActionMode::kOff && (!(c.mean_radius > 0) || c.mean_radius > 127))
    return "mean_radius must be in (0, 127] (got " + std::to_string(c.mean_radius) + ")";
  if (c.max_steps <= 0) return "max_steps must be a positive integer (got " + std::to_string(c.max_steps) + ")";
  if (c.tile_size < 1) return "tile_size must be >= 1";
  const int64_t tiles = static_cast<int64_t>((c.width + c.tile_size - 1) / c.tile_size) *
                        ((c.height + c.tile_size - 1) / c.tile_size);
  if (tiles > 2147483645LL) return "tile_size " + std::to_string(c.tile_size) + " is too small for this map";
  for (auto [x, y] : c.walls)
    if (x < 0 || y < 0 || x >= c.width || y >= c.height)
      return "walls: cell (" + std::to_string(x) + ", " + std::to_string(y) + ") is off the " + size_text(c) + " map";
  if (c.random_walls < 0) return "random_walls must be >= 0";
  const int64_t interior = static_cast<int64_t>(c.width - 2) * (c.height - 2);
  const int64_t free_cells = interior - static_cast<int64_t>(c.walls.size()) - c.random_walls;
  if (body_cells > free_cells) {
    std::string m = "map too small: " + std::to_string(c.n_agents()) + " agents need more than the " +
                    std::to_string(std::max<int64_t>(free_cells, 0)) + " free interior cells of a " + size_text(c) + " map";
    if (battle) m += "; use map_size >= " + std::to_string(battle_map_side_for(c.n_agents() / std::max(1, c.n_groups())));
    return m;
  }
  if (battle && c.placement == Placement::kDefault) {
    if (c.n_groups() != 2) return "placement default (blocks) needs exactly 2 groups; use placement random";
    const int64_t n = std::max(c.groups[0].count, c.groups[1].count);
    const int side = block_side_for(n);
    if (c.width / 2 - 3 - side < 1 || c.width / 2 + 3 + side > c.width || side > c.height - 2)
      return "map too small for blocks of " + std::to_string(n) + " agents per team (" + size_text(c) +
             "); use map_size >= " + std::to_string(2 * side + 8) + " or placement random";
  }
  return "";
}

}  // namespace myriad
