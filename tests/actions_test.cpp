// actions_test.cpp: the action tables derived from agent types (rules.md §2 and §7): MAgent's
// numbering, move and attack counts for the speeds and radii the games use, and input checks.
#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "myriad/agent_type.hpp"
#include "myriad/config.hpp"
#include "test_worlds.hpp"

using namespace myriad;

namespace {

std::vector<std::pair<int, int>> offsets(const TypeParams& t, int from, int to) {
  std::vector<std::pair<int, int>> v;
  for (int a = from; a < to; ++a) v.emplace_back(t.dx[a], t.dy[a]);
  return v;
}

using Offsets = std::vector<std::pair<int, int>>;

}  // namespace

TEST(Actions, BattleTableIsMAgentsNumbering) {
  const TypeParams t = make_type_params(AgentType{});
  EXPECT_EQ(t.n_moves, 13);
  EXPECT_EQ(t.n_attacks, 8);
  EXPECT_EQ(t.n_actions(), 21);
  EXPECT_EQ(t.stay_action, 6);
  const Offsets moves = {{0, -2}, {-1, -1}, {0, -1}, {1, -1}, {-2, 0}, {-1, 0}, {0, 0},
                         {1, 0},  {2, 0},   {-1, 1}, {0, 1},  {1, 1},  {0, 2}};
  const Offsets attacks = {{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}};
  EXPECT_EQ(offsets(t, 0, 13), moves);
  EXPECT_EQ(offsets(t, 13, 21), attacks);
  for (int a = 0; a < 21; ++a) {
    EXPECT_EQ(t.is_move(a), a < 13) << a;
    EXPECT_EQ(t.is_attack(a), a >= 13) << a;
  }
  EXPECT_FALSE(t.is_move(-1));
  EXPECT_FALSE(t.is_attack(21));
}

TEST(Actions, TypeConstantsAreCopied) {
  const TypeParams t = make_type_params(AgentType{});
  EXPECT_EQ(t.hp_max, 10.0f);
  EXPECT_EQ(t.damage, 2.0f);
  EXPECT_EQ(t.step_recover, 0.1f);
  EXPECT_EQ(t.kill_reward, 5.0f);
  EXPECT_EQ(t.step_reward, -0.005f);
  EXPECT_EQ(t.dead_penalty, -0.1f);
  EXPECT_EQ(t.attack_penalty, -0.1f);
  EXPECT_EQ(t.view_center, 6);
  EXPECT_EQ(t.view_side, 13);
  EXPECT_EQ(t.attack_in_group, 0);
}

TEST(Actions, SpeedOneAndAHalfGivesNineMoves) {
  AgentType prey;
  prey.speed = 1.5f;
  prey.attack_radius = 0.0f;  // pursuit prey: no attack
  const TypeParams t = make_type_params(prey);
  EXPECT_EQ(t.n_moves, 9);
  EXPECT_EQ(t.n_attacks, 0);
  EXPECT_EQ(t.stay_action, 4);
  const Offsets want = {{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {0, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}};
  EXPECT_EQ(offsets(t, 0, 9), want);
}

TEST(Actions, SpeedOneGivesFiveMoves) {
  AgentType a;
  a.speed = 1.0f;
  const TypeParams t = make_type_params(a);
  EXPECT_EQ(t.n_moves, 5);
  EXPECT_EQ(t.stay_action, 2);
  const Offsets want = {{0, -1}, {-1, 0}, {0, 0}, {1, 0}, {0, 1}};
  EXPECT_EQ(offsets(t, 0, 5), want);
  EXPECT_EQ(t.n_attacks, 8);  // attack radius 1.5 is unchanged
}

TEST(Actions, SpeedZeroOnlyStays) {
  AgentType food;
  food.speed = 0.0f;
  food.attack_radius = 0.0f;
  const TypeParams t = make_type_params(food);
  EXPECT_EQ(t.n_moves, 1);
  EXPECT_EQ(t.stay_action, 0);
  EXPECT_EQ(t.n_attacks, 0);
}

TEST(Actions, AttackRadiusOneGivesFourNeighbours) {
  AgentType a;
  a.attack_radius = 1.0f;  // gather's omnivore
  const TypeParams t = make_type_params(a);
  const Offsets want = {{0, -1}, {-1, 0}, {1, 0}, {0, 1}};
  EXPECT_EQ(offsets(t, t.n_moves, t.n_actions()), want);
}

TEST(Actions, AttackRadiusTwoOnOneCellBody) {
  AgentType a;
  a.attack_radius = 2.0f;  // every offset with 1 <= d² <= 4, row-major
  const TypeParams t = make_type_params(a);
  const Offsets want = {{0, -2}, {-1, -1}, {0, -1}, {1, -1}, {-2, 0}, {-1, 0},
                        {1, 0},  {2, 0},   {-1, 1}, {0, 1},  {1, 1},  {0, 2}};
  EXPECT_EQ(offsets(t, t.n_moves, t.n_actions()), want);
}

// games.md §2: the pursuit predator (2×2 body, speed 1, attack radius 2) has 5 moves and 8 tag
// cells. MAgent measures the ring from the centre of the 2×2 body (cells at half-integer offsets
// with 1 <= distance <= 2: the 8 cells edge-adjacent to the body), its window is 10×10.
TEST(Actions, PursuitPredatorHasEightTagCells) {
  AgentType pred;
  pred.body_w = pred.body_h = 2;
  pred.hp_max = 1.0f;
  pred.speed = 1.0f;
  pred.view_radius = 5.0f;
  pred.attack_radius = 2.0f;
  pred.damage = 0.0f;
  const TypeParams t = make_type_params(pred);
  EXPECT_EQ(t.n_moves, 5);
  EXPECT_EQ(t.stay_action, 2);
  EXPECT_EQ(t.n_attacks, 8);
  // Deltas from the attack centre anchor + (1, 1), row-major (games.md §2).
  const Offsets want = {{-1, -2}, {0, -2}, {-2, -1}, {1, -1}, {-2, 0}, {1, 0}, {-1, 1}, {0, 1}};
  EXPECT_EQ(offsets(t, t.n_moves, t.n_actions()), want);
  EXPECT_EQ(t.view_side, 10);
  EXPECT_EQ(t.view_center, 5);
}

// The stay action sits at the centre of the move disc: 2, 4, 6 or 14 (games.md §7.4).
TEST(Actions, StayIsTheCentreOfTheMoveDisc) {
  const std::pair<float, int> cases[] = {{1.0f, 2}, {1.5f, 4}, {2.0f, 6}, {3.0f, 14}, {0.0f, 0}};
  for (auto [speed, stay] : cases) {
    AgentType t;
    t.speed = speed;
    EXPECT_EQ(make_type_params(t).stay_action, stay) << "speed " << speed;
  }
}

TEST(Actions, TooManyActionsThrow) {
  AgentType fast;
  fast.speed = 5.0f;  // 81 lattice points with d² <= 25: more than kMaxActions
  EXPECT_THROW(make_type_params(fast), std::invalid_argument);
  WorldConfig c = test::battle(2, 2);
  c.groups[0].type.speed = 5.0f;
  EXPECT_NE(validate(c), "");
}

TEST(Actions, BattleLayoutCounts) {
  WorldConfig c = battle_config(0, 0);
  EXPECT_EQ(max_actions(c), 21);
  EXPECT_EQ(view_side(c, 0), 13);
  EXPECT_EQ(view_side(c, 1), 13);
  EXPECT_EQ(obs_channels(c), 5);
  EXPECT_EQ(n_features(c, 0), 32);
  c.minimap = true;
  EXPECT_EQ(obs_channels(c), 7);
  EXPECT_EQ(n_features(c, 1), 34);
}

TEST(Actions, SetActionsChecksSizeAndRange) {
  auto w = test::world_at(test::battle(1, 1), {{3, 3}}, {{10, 10}});
  EXPECT_THROW(w->set_actions({6}), std::invalid_argument);
  EXPECT_THROW(w->set_actions({6, 21}), std::invalid_argument);
  EXPECT_NO_THROW(w->set_actions({20, 0}));
  EXPECT_EQ(w->snapshot().action, (std::vector<uint8_t>{20, 0}));
}

TEST(Actions, ResetActionIsStay) {
  auto w = test::world_at(test::battle(2, 2), {{3, 3}, {5, 5}}, {{10, 10}, {12, 12}});
  for (uint8_t a : w->snapshot().action) EXPECT_EQ(a, 6);
}
