// agent_type.cpp: derives an agent type's tables with MAgent's CircleRange (rules.md §2, games.md §1.3,
// §1.5): a square of side 2⌊r⌋ + parity around centre ⌊r⌋, distances from the centre (half-integer for
// an even body width), kept when inner − 1e-8 < distance < r + 1e-8; offsets listed row-major.
#include "myriad/agent_type.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace myriad {

namespace {

struct Offset {
  int dx, dy;
};

// MAgent's CircleRange(radius, inner, parity): the offsets in range, row-major, and the square's side.
std::vector<Offset> circle_range(float radius, float inner, int parity, int* side_out = nullptr) {
  constexpr double kEps = 1e-8;
  int side = 2 * static_cast<int>(radius + kEps) + parity;
  if (side % 2 != parity) ++side;
  const int center = static_cast<int>(radius);
  const double delta = parity == 0 ? 0.5 : 0.0;
  std::vector<Offset> out;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) {
      const double ddx = std::fabs(j - center + delta), ddy = std::fabs(i - center + delta);
      const double dis = std::sqrt(ddx * ddx + ddy * ddy);
      if (dis < radius + kEps && dis > inner - kEps) out.push_back({j - center, i - center});
    }
  if (side_out != nullptr) *side_out = side;
  return out;
}

}  // namespace

TypeParams make_type_params(const AgentType& t) {
  if (t.body_w < 1 || t.body_h < 1 || t.body_w > 8 || t.body_h > 8)
    throw std::invalid_argument("agent type '" + t.name + "': body must be 1x1 to 8x8 cells");
  TypeParams p{};
  p.hp_max = t.hp_max;
  p.view_radius = t.view_radius;
  p.damage = t.damage;
  p.step_recover = t.step_recover;
  p.kill_reward = t.kill_reward;
  p.kill_supply = t.kill_supply;
  p.step_reward = t.step_reward;
  p.dead_penalty = t.dead_penalty;
  p.attack_penalty = t.attack_penalty;
  p.body_w = t.body_w;
  p.body_h = t.body_h;
  p.attack_in_group = t.attack_in_group ? 1 : 0;
  const int parity = t.body_w % 2;
  const std::vector<Offset> moves = circle_range(t.speed, 0.0f, 1);
  const std::vector<Offset> attacks = circle_range(t.attack_radius, static_cast<float>(t.body_w) / 2.0f, parity);
  if (moves.size() + attacks.size() > static_cast<size_t>(kMaxActions))
    throw std::invalid_argument("agent type '" + t.name + "' has more than " + std::to_string(kMaxActions) +
                                " actions; use a smaller speed or attack radius");
  int n = 0;
  p.stay_action = -1;
  for (const Offset& o : moves) {
    if (o.dx == 0 && o.dy == 0) p.stay_action = n;
    p.dx[n] = static_cast<int8_t>(o.dx);
    p.dy[n] = static_cast<int8_t>(o.dy);
    ++n;
  }
  p.n_moves = n;
  for (const Offset& o : attacks) {
    p.dx[n] = static_cast<int8_t>(o.dx);
    p.dy[n] = static_cast<int8_t>(o.dy);
    ++n;
  }
  p.n_attacks = n - p.n_moves;

  int side = 0;
  const std::vector<Offset> view = circle_range(t.view_radius, 0.0f, parity, &side);
  if (side > kMaxViewSide)
    throw std::invalid_argument("agent type '" + t.name + "': view radius " + std::to_string(t.view_radius) +
                                " is too large (at most 31)");
  p.view_side = side;
  p.view_center = static_cast<int>(t.view_radius);
  for (int r = 0; r < kMaxViewSide; ++r) {
    p.view_col0[r] = 1;
    p.view_col1[r] = 0;
  }
  for (const Offset& o : view) {  // a disc: each row's cells are one run of columns
    const int row = o.dy + p.view_center, col = o.dx + p.view_center;
    if (p.view_col0[row] > p.view_col1[row]) p.view_col0[row] = p.view_col1[row] = static_cast<int8_t>(col);
    if (col < p.view_col0[row]) p.view_col0[row] = static_cast<int8_t>(col);
    if (col > p.view_col1[row]) p.view_col1[row] = static_cast<int8_t>(col);
  }
  return p;
}

}  // namespace myriad
