// agent_type.cpp: derives the action table of an agent type (rules.md §2, MAgent's numbering).
#include "myriad/agent_type.hpp"

#include <cmath>
#include <stdexcept>

namespace myriad {

TypeParams make_type_params(const AgentType& t) {
  TypeParams p{};
  p.hp_max = t.hp_max;
  p.view_radius = t.view_radius;
  p.damage = t.damage;
  p.step_recover = t.step_recover;
  p.kill_reward = t.kill_reward;
  p.step_reward = t.step_reward;
  p.dead_penalty = t.dead_penalty;
  p.attack_penalty = t.attack_penalty;
  p.attack_opponent_reward = t.attack_opponent_reward;
  p.view_half = static_cast<int>(std::floor(t.view_radius));
  p.can_attack_teammates = t.can_attack_teammates ? 1 : 0;
  int n = 0;
  auto push = [&](int dx, int dy) {
    if (n == kMaxActions)
      throw std::invalid_argument("agent type '" + t.name + "' has more than " +
                                  std::to_string(kMaxActions) + " actions; use a smaller speed or attack radius");
    p.dx[n] = static_cast<int8_t>(dx);
    p.dy[n] = static_cast<int8_t>(dy);
    ++n;
  };
  const int s = static_cast<int>(std::floor(t.speed));
  const float s2 = t.speed * t.speed;
  p.stay_action = -1;
  for (int dy = -s; dy <= s; ++dy)
    for (int dx = -s; dx <= s; ++dx)
      if (static_cast<float>(dx * dx + dy * dy) <= s2) {
        if (dx == 0 && dy == 0) p.stay_action = n;
        push(dx, dy);
      }
  p.n_moves = n;
  const int ar = static_cast<int>(std::floor(t.attack_radius));
  const float a2 = t.attack_radius * t.attack_radius;
  const int min_d = t.body_w / 2;
  for (int dy = -ar; dy <= ar; ++dy)
    for (int dx = -ar; dx <= ar; ++dx) {
      const int d2 = dx * dx + dy * dy;
      if (static_cast<float>(d2) <= a2 && d2 >= min_d * min_d && d2 > 0) push(dx, dy);
    }
  p.n_attacks = n - p.n_moves;
  return p;
}

}  // namespace myriad
