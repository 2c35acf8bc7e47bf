// agent_type.hpp: an agent type as data (body, hp, speed, radii, damage, rewards) and the action
// table derived from it with MAgent's numbering (rules.md §2). New games add rows, not code paths.
#pragma once
#include <cstdint>
#include <string>
#include "myriad/hd.hpp"

namespace myriad {

constexpr int kMaxGroups = 4;
constexpr int kMaxActions = 64;

struct AgentType {
  std::string name = "soldier";
  int body_w = 1, body_h = 1;
  float hp_max = 10.0f;
  float speed = 2.0f;
  float view_radius = 6.0f;
  float attack_radius = 1.5f;
  float damage = 2.0f;
  float step_recover = 0.1f;
  float kill_reward = 5.0f;
  float step_reward = -0.005f;
  float dead_penalty = -0.1f;
  float attack_penalty = -0.1f;
  float attack_opponent_reward = 0.2f;
  bool can_attack_teammates = false;
};

// The per-group numbers a rule needs on the device: plain old data, passed by value to kernels.
struct TypeParams {
  float hp_max, view_radius, damage, step_recover, kill_reward;
  float step_reward, dead_penalty, attack_penalty, attack_opponent_reward;
  int view_half;         // floor(view_radius): window side is 2*view_half+1
  int can_attack_teammates;
  int n_moves, n_attacks, stay_action;
  int8_t dx[kMaxActions], dy[kMaxActions];  // offsets of moves then attacks
  MYRIAD_HD int n_actions() const { return n_moves + n_attacks; }
  MYRIAD_HD bool is_move(int a) const { return a >= 0 && a < n_moves; }
  MYRIAD_HD bool is_attack(int a) const { return a >= n_moves && a < n_moves + n_attacks; }
};

// Builds the action table: moves with dx²+dy² <= speed², then attacks with
// floor(w/2) <= distance <= attack_radius, both row-major (dy ascending, then dx ascending).
// Throws std::invalid_argument when the table does not fit kMaxActions.
TypeParams make_type_params(const AgentType& t);

}  // namespace myriad
