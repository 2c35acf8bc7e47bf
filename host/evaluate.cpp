// evaluate.cpp: head-to-head episodes through Players (greedy networks or world policies), sides
// swapped every other episode, and the summary statistics with the Wilson interval.
#include "myriad/evaluate.hpp"

#include <cmath>
#include <stdexcept>

#include "myriad/checkpoint.hpp"
#include "myriad/config.hpp"
#include "myriad/games/game.hpp"
#include "myriad/players.hpp"
#include "myriad/train_config.hpp"

namespace myriad {

namespace {

bool is_world_policy(const std::string& s) { return s == "random" || s == "scripted" || s == "noop"; }

PlayerSpec player(const std::string& s, bool greedy_actor) {
  PlayerSpec p;
  p.greedy_actor = greedy_actor;
  if (s == "random") p.world.kind = PolicyKind::kRandom;
  else if (s == "scripted") p.world.kind = PolicyKind::kScripted;
  else if (s == "noop") p.world.kind = PolicyKind::kNoop;
  else p.checkpoint = s;
  return p;
}

}  // namespace

std::pair<double, double> wilson_interval(double successes, int64_t n, double z) {
  if (n <= 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n), p = successes / nn, z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

EvalConfig resolve_eval_config(EvalConfig c) {
  if (c.a.empty() || c.b.empty()) throw std::invalid_argument("eval: both players are needed (A and B)");
  if (c.episodes < 1) throw std::invalid_argument("eval: episodes must be >= 1");
  // A population given without a map keeps MAgent's density (the map grows with it), unless it is the
  // checkpoint's own population, whose training map is kept.
  const bool population_only = c.agents_per_team > 0 && c.map_size == 0;
  for (const std::string& s : {c.a, c.b}) {
    if (is_world_policy(s)) continue;
    const Checkpoint ck = read_checkpoint(s);  // throws naming the file
    TrainConfig t;
    apply_toml(t, ck.header.config_toml, s + " (its config)");
    if (!c.scenario) c.scenario = t.scenario;
    if (c.agents_per_team == 0 && t.agents_per_team > 0) c.agents_per_team = t.agents_per_team;
    const bool own_population = !population_only || t.agents_per_team == c.agents_per_team;
    if (c.map_size == 0 && t.map_size > 0 && own_population) c.map_size = t.map_size;
    if (c.max_steps == 0) c.max_steps = t.max_steps;
    if (c.minimap < 0) c.minimap = t.minimap ? 1 : 0;
  }
  if (!c.scenario) c.scenario = Scenario::kBattle;
  const bool battle = *c.scenario == Scenario::kBattle;
  if (battle && c.agents_per_team == 0) c.agents_per_team = 64;  // other games: 0 keeps their own population
  if (battle && c.map_size == 0 && population_only) {
    GameSize size;
    size.agents_per_team = c.agents_per_team;
    c.map_size = game_config(*c.scenario, size).width;  // the game's density rule
  }
  if (battle && c.map_size == 0) c.map_size = 40;
  if (c.max_steps == 0) c.max_steps = 400;
  if (c.minimap < 0) c.minimap = 0;
  return c;
}

EvalResult evaluate(const EvalConfig& config, const std::function<void(const EvalEpisode&)>& on_episode) {
  EvalResult r;
  r.config = resolve_eval_config(config);
  const EvalConfig& c = r.config;
  GameSize size;
  size.map_size = static_cast<int>(c.map_size);
  size.agents_per_team = c.agents_per_team;
  if (*c.scenario != Scenario::kBattle && size.map_size > 0) size.agents_per_team = 0;  // the map fixes it
  WorldConfig wc = game_config(*c.scenario, size);
  if (wc.n_groups() != 2)
    throw std::invalid_argument(std::string("eval: scenario ") + scenario_name(*c.scenario) + " has " +
                                std::to_string(wc.n_groups()) +
                                " groups; head-to-head evaluation plays two teams (battle, battlefield)");
  wc.max_steps = c.max_steps;
  wc.minimap = c.minimap != 0;
  wc.placement = c.placement;
  const std::string err = validate(wc);
  if (!err.empty()) throw std::invalid_argument("eval: world: " + err);
  std::unique_ptr<World> world = make_world(c.backend, wc);
  r.backend = world->backend_name();
  const GroupTable& gt = world->groups();
  // Two line-ups loaded once: A red / B blue, and swapped.
  Players straight(*world, {player(c.a, c.greedy_actor), player(c.b, c.greedy_actor)});
  std::unique_ptr<Players> swapped;
  if (c.swap_sides) swapped = std::make_unique<Players>(*world, std::vector<PlayerSpec>{player(c.b, c.greedy_actor), player(c.a, c.greedy_actor)});
  double successes = 0;
  for (int64_t e = 0; e < c.episodes; ++e) {
    EvalEpisode ep;
    ep.episode = e;
    ep.a_group = c.swap_sides && e % 2 == 1 ? 1 : 0;
    Players& pl = ep.a_group == 0 ? straight : *swapped;
    world->reset(c.seed + static_cast<uint64_t>(e));
    pl.observe();
    double ret[2] = {0, 0};
    while (!world->done()) {
      pl.act(static_cast<uint32_t>(world->step_index()), c.seed + static_cast<uint64_t>(e));
      const StepStats& st = world->step();
      for (int side = 0; side < 2; ++side) {
        const int g = side == 0 ? ep.a_group : 1 - ep.a_group;
        ep.kills[side] += st.kills[g];
        ret[side] += st.reward(g);
      }
      pl.observe();
      ++ep.steps;
    }
    for (int side = 0; side < 2; ++side) {
      const int g = side == 0 ? ep.a_group : 1 - ep.a_group;
      ep.survivors[side] = world->last_stats().alive[g];
      ep.per_agent_return[side] = ret[side] / static_cast<double>(gt.begin[g + 1] - gt.begin[g]);
      r.mean_kills[side] += static_cast<double>(ep.kills[side]);
      r.mean_survivors[side] += static_cast<double>(ep.survivors[side]);
      r.mean_per_agent_return[side] += ep.per_agent_return[side];
    }
    const int o = ep.outcome();
    (o > 0 ? r.wins : o < 0 ? r.losses : r.draws) += 1;
    if (o > 0) ++r.wins_by_side[ep.a_group];
    successes += o > 0 ? 1.0 : o == 0 ? 0.5 : 0.0;
    r.episodes.push_back(ep);
    if (on_episode) on_episode(ep);
  }
  const double n = static_cast<double>(c.episodes);
  for (int side = 0; side < 2; ++side) {
    r.mean_kills[side] /= n;
    r.mean_survivors[side] /= n;
    r.mean_per_agent_return[side] /= n;
  }
  r.win_rate = successes / n;
  std::tie(r.ci_low, r.ci_high) = wilson_interval(successes, c.episodes);
  return r;
}

}  // namespace myriad
