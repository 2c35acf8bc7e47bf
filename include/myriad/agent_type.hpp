// agent_type.hpp: an agent type as data (body, hp, speed, radii, damage, rewards) and the tables derived
// from it with MAgent's numbering (rules.md §2, games.md §1.3, §1.5): the action offsets and the rows of
// the view disc. Games add rows of this table, not code paths.
#pragma once
#include <cstdint>
#include <string>
#include "myriad/hd.hpp"

namespace myriad {

constexpr int kMaxGroups = 4;
constexpr int kMaxActions = 64;
constexpr int kMaxViewSide = 63;  // view radius <= 31

struct AgentType {
  std::string name = "soldier";
  int body_w = 1, body_h = 1;  // MAgent's width × length; the position is the top-left cell (anchor)
  float hp_max = 10.0f;
  float speed = 2.0f;
  float view_radius = 6.0f;
  float attack_radius = 1.5f;
  float damage = 2.0f;
  float step_recover = 0.1f;     // < 0: starvation (hp falls, the agent dies below 0)
  float kill_reward = 5.0f;      // to the killing blow's attacker, at once (lost if the attacker dies)
  float kill_supply = 0.0f;      // hp the killing blow's attacker gains (capped at its hp_max)
  float step_reward = -0.005f;
  float dead_penalty = -0.1f;
  float attack_penalty = -0.1f;  // every attack action, whatever it hits
  bool attack_in_group = false;  // hits on the attacker's own group land (and damage)
};

// The per-type numbers a rule needs on the device: plain old data, passed by value to kernels.
struct TypeParams {
  float hp_max, view_radius, damage, step_recover, kill_reward, kill_supply;
  float step_reward, dead_penalty, attack_penalty;
  int body_w, body_h;
  int attack_in_group;
  int n_moves, n_attacks, stay_action;
  int8_t dx[kMaxActions], dy[kMaxActions];  // offsets of moves then attacks
  // View window: side V (2⌊r⌋+1 for an odd body width, 2⌊r⌋ for an even one), centre c = ⌊r⌋; window
  // cell (row, col) is map cell anchor + (⌊w/2⌋, ⌊h/2⌋) + (col − c, row − c), shown when col is in
  // [view_col0[row], view_col1[row]] (the disc; an empty row has col0 > col1).
  int view_side, view_center;
  int8_t view_col0[kMaxViewSide], view_col1[kMaxViewSide];
  MYRIAD_HD int n_actions() const { return n_moves + n_attacks; }
  MYRIAD_HD bool is_move(int a) const { return a >= 0 && a < n_moves; }
  MYRIAD_HD bool is_attack(int a) const { return a >= n_moves && a < n_moves + n_attacks; }
  MYRIAD_HD int cells() const { return body_w * body_h; }
};

// Builds the tables: moves with dx²+dy² <= speed², then attacks with w/2 < distance <= attack_radius
// (distances from the body centre: half-integer offsets for an even width), both row-major (dy
// ascending, then dx), and the view disc's rows. Throws std::invalid_argument when the actions do not
// fit kMaxActions or the view does not fit kMaxViewSide.
TypeParams make_type_params(const AgentType& t);

}  // namespace myriad
