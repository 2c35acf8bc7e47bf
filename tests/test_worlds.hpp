// test_worlds.hpp: helpers shared by the rule tests: small battle worlds with explicit positions,
// actions looked up by offset, and the rules' float32 arithmetic replayed in the tests' own code.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/world.hpp"

namespace myriad::test {

using Pos = std::pair<int, int>;

// Battle actions (rules.md §2), by name.
enum BattleAction : int {
  kN2 = 0, kNW = 1, kN = 2, kNE = 3, kW2 = 4, kW = 5, kStay = 6, kE = 7, kE2 = 8,
  kSW = 9, kS = 10, kSE = 11, kS2 = 12,
  kAtkNW = 13, kAtkN = 14, kAtkNE = 15, kAtkW = 16, kAtkE = 17, kAtkSW = 18, kAtkS = 19, kAtkSE = 20,
};

// Battle rules, n_red v n_blue on a size×size map. Random placement so that any small map
// validates; tests place agents explicitly with world_at.
inline WorldConfig battle(int64_t n_red, int64_t n_blue, int size = 20) {
  WorldConfig c = battle_config(n_red, size);
  c.groups[1].count = n_blue;
  c.placement = Placement::kRandom;
  return c;
}

// A CPU world with red agents at `red` (ids 0..) and blue agents at `blue` (ids after red).
inline std::unique_ptr<World> world_at(const WorldConfig& c, const std::vector<Pos>& red,
                                       const std::vector<Pos>& blue, uint64_t seed = 1) {
  auto w = make_cpu_world(c);
  std::vector<Pos> all(red);
  all.insert(all.end(), blue.begin(), blue.end());
  w->reset(seed, all);
  return w;
}

inline int group_of(const World& w, int64_t i) {
  for (int g = 0; g < w.groups().n_groups; ++g)
    if (i < w.groups().begin[g + 1]) return g;
  throw std::out_of_range("no such agent");
}

// The action of agent i's type with offset (dx, dy), a move or an attack; -1 when there is none.
inline int action_of(const World& w, int64_t i, int dx, int dy, bool attack) {
  const TypeParams& t = w.groups().type[group_of(w, i)];
  const int lo = attack ? t.n_moves : 0, hi = attack ? t.n_actions() : t.n_moves;
  for (int a = lo; a < hi; ++a)
    if (t.dx[a] == dx && t.dy[a] == dy) return a;
  return -1;
}

// Every agent stays except the listed (id, action) pairs; plays one step.
inline const StepStats& step_with(World& w, const std::vector<std::pair<int64_t, int>>& acts) {
  std::vector<uint8_t> a(static_cast<size_t>(w.n_agents()));
  for (int64_t i = 0; i < w.n_agents(); ++i)
    a[static_cast<size_t>(i)] = static_cast<uint8_t>(w.groups().type[group_of(w, i)].stay_action);
  for (auto [i, act] : acts) a[static_cast<size_t>(i)] = static_cast<uint8_t>(act);
  w.set_actions(a);
  return w.step();
}

inline Pos pos_of(const HostState& s, int64_t i) { return {s.x[static_cast<size_t>(i)], s.y[static_cast<size_t>(i)]}; }

// rules.md §1: hp -= damage per hit, then hp = min(hp_max, hp + step_recover), in float32.
inline float hit_then_recover(float hp, int hits, const AgentType& victim, float damage) {
  for (int k = 0; k < hits; ++k) hp = hp - damage;
  hp = hp + victim.step_recover;
  return hp < victim.hp_max ? hp : victim.hp_max;
}

// rules.md §3.5, float32, in the order the rules list the terms.
inline float reward_alive(const AgentType& t, bool attacked, float bonus = 0.0f) {
  float r = t.step_reward;
  if (attacked) r = r + t.attack_penalty;
  if (bonus != 0.0f) r = r + bonus;
  return r;
}
inline float reward_died(const AgentType& t, float nonlethal_bonus = 0.0f) {
  float r = t.dead_penalty;
  if (nonlethal_bonus != 0.0f) r = r + nonlethal_bonus;
  return r;
}

// One observation value: view[row][col][ch] with row = dy + half, col = dx + half.
inline float view_at(const World& w, const std::vector<float>& obs, int dx, int dy, int ch) {
  const ObsLayout& L = w.obs_layout(0);
  const int half = L.view_side / 2;
  return obs[static_cast<size_t>(((dy + half) * L.view_side + (dx + half)) * L.channels + ch)];
}

}  // namespace myriad::test
