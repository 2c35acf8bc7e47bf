// games/adversarial_pursuit.cpp: MAgent2 adversarial_pursuit_v4 (games.md §2): 2×2 predators tag 1×1 prey
// (an attack with damage 0: nobody dies), +1 to the predator and −1 to the prey per tag, −0.2 per tag
// action. Random walls (3% of the cells, redrawn every episode), predators 1.25%, prey 2.5%: the
// densities hold at any map side.
#include "game_helpers.hpp"
#include "myriad/placement.hpp"

namespace myriad::games {

namespace {
constexpr double kWalls = 0.03, kPredators = 0.0125, kPrey = 0.025;
}  // namespace

GameSpec adversarial_pursuit_spec() {
  GameSpec s;
  s.scenario = Scenario::kAdversarialPursuit;
  s.name = "adversarial_pursuit";
  s.magent_name = "adversarial_pursuit_v4";
  AgentType predator;
  predator.name = "predator";
  predator.body_w = predator.body_h = 2;
  predator.hp_max = 1.0f;
  predator.speed = 1.0f;
  predator.view_radius = 5.0f;
  predator.attack_radius = 2.0f;
  predator.damage = 0.0f;
  predator.step_recover = 0.0f;
  predator.kill_reward = 0.0f;
  predator.step_reward = 0.0f;
  predator.dead_penalty = 0.0f;
  predator.attack_penalty = -0.2f;  // tag_penalty
  AgentType prey = predator;
  prey.name = "prey";
  prey.body_w = prey.body_h = 1;
  prey.speed = 1.5f;
  prey.view_radius = 4.0f;
  prey.attack_radius = 0.0f;
  prey.attack_penalty = 0.0f;
  s.groups = {group("predator", predator, 0, 0xEB342D), group("prey", prey, 1, 0x32CD50)};
  s.rules.hit[0][1] = 1.0f;
  s.rules.hit_taken[0][1] = -1.0f;
  s.default_map = 45;
  s.min_map = 9;  // the smallest side with one predator
  s.max_steps = 500;
  s.size_rule = "int(0.0125*S^2) predators, int(0.025*S^2) prey and int(0.03*S^2) random walls on a side S";
  scale_by_density(s, kPredators, kPrey, kWalls);
  s.place = [](const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed) {
    return random_anchors(c, wall, seed);
  };
  s.places_at_random = true;
  return s;
}

}  // namespace myriad::games
