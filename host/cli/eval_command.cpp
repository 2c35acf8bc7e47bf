// cli/eval_command.cpp: `myriad eval`: resolves the two players (a run directory means its latest
// checkpoint), plays the episodes with a progress line, prints the summary and writes JSON.
#include "cli/eval_command.hpp"

#include "myriad/games/game.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "cli/train_output.hpp"
#include "myriad/evaluate.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/printable.hpp"

namespace myriad::cli {

namespace {

// "random" / "scripted" / "noop", or a checkpoint (a file or a run directory's latest).
std::string resolve_player(const std::string& s) {
  if (s == "random" || s == "scripted" || s == "noop") return s;
  const std::string ck = checkpoint_argument("player", s);
  if (ck.empty())
    throw UsageError("player: no such file '" + s + "'; a player is random, scripted, a checkpoint file or a run "
                     "directory");
  return ck;
}

// Optional integer options: empty text means "from the checkpoint" (0).
int64_t optional_int(const std::string& option, const std::string& text, int64_t min_value) {
  return text.empty() ? 0 : parse_int_option(option, text, min_value);
}

nlohmann::json side_json(const EvalResult& r, int side) {
  return {{"player", side == 0 ? r.config.a : r.config.b},
          {"mean_kills", r.mean_kills[side]},
          {"mean_survivors", r.mean_survivors[side]},
          {"mean_per_agent_return", r.mean_per_agent_return[side]}};
}

}  // namespace

CLI::App* add_eval_command(CLI::App& app, EvalOptions& o) {
  CLI::App* e = app.add_subcommand(
      "eval", "Head-to-head: A v B over E episodes (Q-networks greedy, actors sampling π), sides swapped every other "
              "episode; win rate of A with a Wilson 95% interval");
  e->add_option("A", o.a, "random, scripted, a checkpoint file or a training run directory")->required();
  e->add_option("B", o.b, "the opponent, likewise")->required();
  e->add_option("--episodes,-e", o.episodes, "Episodes to play")->type_name("E")->capture_default_str();
  e->add_option("--agents-per-team", o.agents_per_team, "Default: the checkpoint's training world")->type_name("N");
  e->add_option("--map-size", o.map_size,
                "Default: the checkpoint's training world; with only --agents-per-team, a map at the game's density")
      ->type_name("S");
  e->add_option("--max-steps", o.max_steps, "Default: the checkpoint's training world")->type_name("T");
  e->add_option("--seed", o.seed, "Episode e plays on seed + e (default: seeds no training episode used)")
      ->type_name("S")->capture_default_str();
  e->add_option("--backend", o.backend, "auto, cpu or cuda")->capture_default_str();
  e->add_option("--placement", o.placement,
                "blocks (the training layout; greedy players then repeat nearly the same episode per side) or random")
      ->capture_default_str();
  e->add_option("--json", o.json, "Write the result (and every episode) as JSON")->type_name("FILE");
  e->add_option("--scenario", o.scenario, "Game (battle or battlefield); default: the checkpoints' (else battle)");
  e->add_flag("--no-swap", o.no_swap, "A always plays red");
  e->add_flag("--greedy-actor", o.greedy_actor,
              "Actor-critic checkpoints (mfac, ac) play argmax π instead of sampling π (the mean-field paper's play)");
  e->add_flag("--quiet,-q", o.quiet, "Only the summary");
  return e;
}

EvalConfig eval_settings(const EvalOptions& o) {
  EvalConfig c;
  c.a = resolve_player(o.a);
  c.b = resolve_player(o.b);
  if (!o.scenario.empty()) c.scenario = parse_scenario_option(o.scenario);
  c.episodes = parse_int_option("--episodes", o.episodes, 1);
  c.agents_per_team = optional_int("--agents-per-team", o.agents_per_team, 1);
  c.map_size = optional_int("--map-size", o.map_size, 8);
  c.max_steps = optional_int("--max-steps", o.max_steps, 1);
  c.seed = parse_seed_option("--seed", o.seed);
  c.swap_sides = !o.no_swap;
  c.greedy_actor = o.greedy_actor;
  if (o.placement != "blocks" && o.placement != "random")
    throw UsageError("--placement: '" + o.placement + "'; valid: blocks, random");
  c.placement = o.placement == "random" ? Placement::kRandom : Placement::kDefault;
  c.backend = parse_backend_option(o.backend);
  require_backend_available(c.backend);
  return resolve_eval_config(c);  // reads the checkpoints: a bad file fails here, before any episode
}

int eval_command(const EvalOptions& o) {
  EvalConfig c;
  try {
    c = eval_settings(o);
  } catch (const std::exception& e) {
    std::cerr << "myriad: eval: " << printable(e.what()) << "\n";
    return 2;
  }
  const bool tty = isatty(fileno(stdout)) != 0;
  EvalResult r;
  try {
    int64_t w = 0, d = 0, l = 0;
    r = evaluate(c, [&](const EvalEpisode& ep) {
      (ep.outcome() > 0 ? w : ep.outcome() < 0 ? l : d) += 1;
      if (o.quiet) return;
      const bool last = ep.episode + 1 == c.episodes;
      if (!tty && !last && (ep.episode + 1) % 10 != 0) return;
      std::printf("%sepisode %lld/%lld: A (%s) kills %lld v %lld; A so far W %lld D %lld L %lld%s", tty ? "\r\033[K" : "",
                  static_cast<long long>(ep.episode + 1), static_cast<long long>(c.episodes),
                  ep.a_group == 0 ? "red" : "blue", static_cast<long long>(ep.kills[0]),
                  static_cast<long long>(ep.kills[1]), static_cast<long long>(w), static_cast<long long>(d),
                  static_cast<long long>(l), tty && !last ? "" : "\n");
      std::fflush(stdout);
    });
  } catch (const std::invalid_argument& e) {
    std::cerr << "myriad: eval: " << printable(e.what()) << "\n";
    return 2;
  } catch (const MemoryRefusal& e) {
    std::cerr << "myriad: eval: " << printable(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "myriad: eval failed: " << printable(e.what()) << "\n";
    return 1;
  }
  std::printf("A = %s\nB = %s\n%lld episodes of %lld v %lld on %lldx%lld (%s placement), up to %lld steps, %s, backend %s\n",
              c.a.c_str(), c.b.c_str(), static_cast<long long>(c.episodes), static_cast<long long>(c.agents_per_team),
              static_cast<long long>(c.agents_per_team), static_cast<long long>(c.map_size),
              static_cast<long long>(c.map_size), o.placement.c_str(), static_cast<long long>(c.max_steps),
              c.swap_sides ? "sides swapped every other episode" : "A plays red", r.backend.c_str());
  std::printf("A: wins %lld (%lld as red, %lld as blue), draws %lld, losses %lld; win rate %.3f (Wilson 95%% %.3f..%.3f)\n",
              static_cast<long long>(r.wins), static_cast<long long>(r.wins_by_side[0]),
              static_cast<long long>(r.wins_by_side[1]), static_cast<long long>(r.draws),
              static_cast<long long>(r.losses), r.win_rate, r.ci_low, r.ci_high);
  std::printf("mean kills A %.2f B %.2f; survivors A %.2f B %.2f; return per agent A %.3f B %.3f\n", r.mean_kills[0],
              r.mean_kills[1], r.mean_survivors[0], r.mean_survivors[1], r.mean_per_agent_return[0],
              r.mean_per_agent_return[1]);
  if (!o.json.empty()) {
    nlohmann::json j;
    j["a"] = side_json(r, 0);
    j["b"] = side_json(r, 1);
    j["episodes"] = c.episodes;
    j["world"] = {{"agents_per_team", c.agents_per_team}, {"map_size", c.map_size}, {"max_steps", c.max_steps},
                  {"minimap", c.minimap != 0}};
    j["seed"] = c.seed;
    j["swap_sides"] = c.swap_sides;
    j["placement"] = o.placement;
    j["actor_play"] = c.greedy_actor ? "greedy" : "sample";
    j["wins_as"] = {{"red", r.wins_by_side[0]}, {"blue", r.wins_by_side[1]}};
    j["backend"] = r.backend;
    j["wins"] = r.wins;
    j["draws"] = r.draws;
    j["losses"] = r.losses;
    j["win_rate"] = r.win_rate;
    j["wilson95"] = {r.ci_low, r.ci_high};
    j["win_rule"] = "A wins an episode when it killed more than it lost; win rate = (W + D/2) / E";
    nlohmann::json eps = nlohmann::json::array();
    for (const EvalEpisode& ep : r.episodes)
      eps.push_back({{"episode", ep.episode}, {"a_side", ep.a_group == 0 ? "red" : "blue"}, {"steps", ep.steps},
                     {"kills", {ep.kills[0], ep.kills[1]}}, {"survivors", {ep.survivors[0], ep.survivors[1]}},
                     {"per_agent_return", {ep.per_agent_return[0], ep.per_agent_return[1]}}});
    j["per_episode"] = eps;
    try {
      write_text(o.json, j.dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "myriad: eval: " << printable(e.what()) << "\n";
      return 1;
    }
    std::printf("wrote %s\n", o.json.c_str());
  }
  return 0;
}

}  // namespace myriad::cli
