// games/tiger_deer.cpp: MAgent2 tiger_deer_v4 (games.md §4): tigers starve (−0.1 hp a step) unless they
// kill deer (+8 hp, capped); a tiger earns +1 per other tiger whose non-lethal hit landed on the same
// deer; a deer −0.1 per hit, −1 when it dies. Random walls (4% of the cells, redrawn every episode), deer
// 5%, tigers 1%: the densities hold at any map side.
#include "game_helpers.hpp"
#include "myriad/placement.hpp"

namespace myriad::games {

namespace {
constexpr double kWalls = 0.04, kDeer = 0.05, kTigers = 0.01;
}  // namespace

GameSpec tiger_deer_spec() {
  GameSpec s;
  s.scenario = Scenario::kTigerDeer;
  s.name = "tiger_deer";
  s.magent_name = "tiger_deer_v4";
  AgentType deer;
  deer.name = "deer";
  deer.hp_max = 5.0f;
  deer.speed = 1.0f;
  deer.view_radius = 1.0f;
  deer.attack_radius = 0.0f;
  deer.damage = 0.0f;
  deer.step_recover = 0.2f;
  deer.kill_reward = 0.0f;
  deer.kill_supply = 8.0f;
  deer.step_reward = 0.0f;
  deer.dead_penalty = -1.0f;
  deer.attack_penalty = 0.0f;
  AgentType tiger;
  tiger.name = "tiger";
  tiger.hp_max = 10.0f;
  tiger.speed = 1.0f;
  tiger.view_radius = 4.0f;
  tiger.attack_radius = 1.0f;
  tiger.damage = 1.0f;
  tiger.step_recover = -0.1f;  // tiger_step_recover: starvation
  tiger.kill_reward = 0.0f;
  tiger.step_reward = 0.0f;
  tiger.dead_penalty = 0.0f;
  tiger.attack_penalty = 0.0f;
  s.groups = {group("deer", deer, 0, 0x78C8E6), group("tiger", tiger, 1, 0xF08C1E)};
  s.learner_group = 1;  // the tigers (the deer only flee)
  s.rules.hit_taken[1][0] = -0.1f;  // deer_attacked
  s.rules.pair[1][0] = 1.0f;        // 0.5 + 0.5 per ordered pair of tigers on one deer
  s.default_map = 45;
  s.min_map = 10;
  s.max_steps = 300;
  s.size_rule = "int(0.05*S^2) deer, int(0.01*S^2) tigers and int(0.04*S^2) random walls on a side S";
  scale_by_density(s, kDeer, kTigers, kWalls);
  s.place = [](const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed) {
    return random_anchors(c, wall, seed);
  };
  s.places_at_random = true;
  return s;
}

}  // namespace myriad::games
