// config.cpp: battle defaults (MAgent2 battle_v4), the density rule, and config validation.
#include "myriad/config.hpp"

#include <cmath>
#include <stdexcept>

#include "myriad/placement.hpp"

namespace myriad {

int64_t WorldConfig::n_agents() const {
  int64_t n = 0;
  for (const auto& g : groups) n += g.count;
  return n;
}

int battle_map_side_for(int64_t n) {
  return static_cast<int>(std::ceil(5.0 * std::sqrt(static_cast<double>(n)) - 1e-9));
}

int64_t battle_block_count_for(int map_size) {
  const auto side = static_cast<int64_t>(std::sqrt(0.04 * map_size * map_size) + 1e-9);
  return side * side;
}

WorldConfig battle_config(int64_t n, int map_size) {
  if (n <= 0 && map_size <= 0) map_size = 45;
  if (map_size <= 0) map_size = battle_map_side_for(n);
  if (n <= 0) n = battle_block_count_for(map_size);
  WorldConfig c;
  c.scenario = "battle";
  c.width = c.height = map_size;
  AgentType t;  // the defaults are battle's soldier
  t.name = "red";
  c.groups.push_back({t, n});
  t.name = "blue";
  c.groups.push_back({t, n});
  return c;
}

int max_actions(const WorldConfig& c) {
  int k = 0;
  for (const auto& g : c.groups) k = std::max(k, make_type_params(g.type).n_actions());
  return k;
}

int view_side(const WorldConfig& c, int group) {
  return 2 * static_cast<int>(std::floor(c.groups.at(group).type.view_radius)) + 1;
}

int obs_channels(const WorldConfig& c) { return 1 + c.n_groups() * (c.minimap ? 3 : 2); }

int n_features(const WorldConfig& c, int group) {
  return 10 + make_type_params(c.groups.at(group).type).n_actions() + 1 + (c.minimap ? 2 : 0);
}

std::string validate(const WorldConfig& c) {
  if (c.width < 3 || c.height < 3 || c.width > 65535 || c.height > 65535)
    return "--map-size must be between 3 and 65535 (got " + std::to_string(c.width) + ")";
  if (c.groups.empty() || c.n_groups() > kMaxGroups)
    return "a world needs 1 to " + std::to_string(kMaxGroups) + " groups";
  for (const auto& g : c.groups) {
    if (g.count <= 0) return "--agents-per-team must be a positive integer (got " + std::to_string(g.count) + ")";
    const auto& t = g.type;
    if (t.body_w != 1 || t.body_h != 1)
      return "agent type '" + t.name + "': only 1x1 bodies are implemented so far";
    if (!(t.view_radius > 0) || t.view_radius > 31)
      return "view radius must be in (0, 31] (got " + std::to_string(t.view_radius) + ")";
    if (!(t.attack_radius >= 0) || !(t.speed >= 0)) return "attack radius and speed must be >= 0";
    if (!(t.hp_max > 0)) return "hp_max must be positive";
    try {
      make_type_params(t);
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  if (c.n_agents() > 2147483647LL) return "at most 2^31-1 agents in one world";
  if (c.mean_mode != MeanActionMode::kOff && (!(c.mean_radius > 0) || c.mean_radius > 127))
    return "--mean-radius must be in (0, 127] (got " + std::to_string(c.mean_radius) + ")";
  if (c.max_steps <= 0) return "--steps must be a positive integer (got " + std::to_string(c.max_steps) + ")";
  if (c.tile_size < 1) return "tile size must be >= 1";
  const int64_t tiles = static_cast<int64_t>((c.width + c.tile_size - 1) / c.tile_size) *
                        ((c.height + c.tile_size - 1) / c.tile_size);
  if (tiles > 2147483645LL) return "tile size " + std::to_string(c.tile_size) + " is too small for this map";
  const int64_t interior = static_cast<int64_t>(c.width - 2) * (c.height - 2);
  if (c.n_agents() > interior)
    return "map too small: " + std::to_string(c.n_agents()) + " agents need more than the " +
           std::to_string(interior) + " interior cells of a " + std::to_string(c.width) + "x" +
           std::to_string(c.height) + " map; use --map-size >= " +
           std::to_string(battle_map_side_for(c.n_agents() / std::max(1, c.n_groups())));
  if (c.placement == Placement::kBlocks) {
    if (c.n_groups() != 2) return "--placement blocks needs exactly 2 groups; use --placement random";
    const int64_t n = std::max(c.groups[0].count, c.groups[1].count);
    const int side = block_side_for(n);
    if (c.width / 2 - 3 - side < 1 || c.width / 2 + 3 + side > c.width || side > c.height - 2)
      return "map too small for blocks of " + std::to_string(n) + " agents per team (" +
             std::to_string(c.width) + "x" + std::to_string(c.height) + "); use --map-size >= " +
             std::to_string(2 * side + 8) + " or --placement random";
  }
  return "";
}

}  // namespace myriad
