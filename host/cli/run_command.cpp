// cli/run_command.cpp: the `myriad run` loop (act, step, totals per team, throughput) and its
// options; a Ctrl-C or an error mid-run stops it without leaving a partial --stats file.
#include "cli/run_command.hpp"

#include "myriad/games/game.hpp"
#include "myriad/players.hpp"
#include "myriad/printable.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/progress.hpp"
#include "cli/render_command.hpp"
#include "cli/signal_stop.hpp"
#include "cli/stats_writer.hpp"

namespace myriad::cli {

namespace {


struct EpisodeTotals {
  int64_t steps = 0;
  int64_t kills[kMaxGroups] = {}, hits[kMaxGroups] = {}, deaths[kMaxGroups] = {};
  double reward[kMaxGroups] = {};
  double agent_steps = 0, seconds = 0;
  double rate() const { return seconds > 0 ? agent_steps / seconds : 0.0; }
};

std::string per_team(const char* label, const std::vector<std::string>& names, const int64_t* v) {
  std::string s = label;
  for (size_t g = 0; g < names.size(); ++g) s += " " + names[g] + " " + std::to_string(v[g]);
  return s;
}

void print_summary(int64_t episode, const EpisodeTotals& t, const StepStats& last,
                   const std::vector<std::string>& names, const char* backend, const char* hits_label,
                   const char* deaths_label) {
  std::string line = "episode " + std::to_string(episode) + ": steps " + std::to_string(t.steps);
  line += ", " + per_team("alive", names, last.alive);
  line += ", " + per_team(deaths_label, names, t.deaths);
  line += ", " + per_team("kills", names, t.kills);
  line += ", " + per_team(hits_label, names, t.hits);
  line += ", reward";
  char buf[64];
  for (size_t g = 0; g < names.size(); ++g) {
    std::snprintf(buf, sizeof buf, " %s %.3f", names[g].c_str(), t.reward[g]);
    line += buf;
  }
  std::snprintf(buf, sizeof buf, ", %.4g agent-steps/s", t.rate());
  line += buf;
  line += std::string(", backend ") + backend;
  if (last.done) line += " (a group has no agent left)";
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void print_header(const RunSettings& s, const char* command, const char* backend) {
  const auto& c = s.cfg;
  std::string pol, groups;
  for (size_t g = 0; g < c.groups.size(); ++g) {
    pol += (g ? "," : "") + c.groups[g].name + "=" +
           (s.checkpoints.size() > g && !s.checkpoints[g].empty() ? s.checkpoints[g]
                                                                   : describe_policy(s.policies[g]));
    groups += (g ? ", " : "") + c.groups[g].name + " " + std::to_string(c.groups[g].count);
  }
  std::printf("myriad %s: %s (%s) on %dx%d, placement %s, policy %s, %lld episode(s) of up to %lld "
              "steps, seed %llu, backend %s\n",
              command, scenario_name(c.scenario), groups.c_str(), c.width, c.height,
              c.placement == Placement::kDefault ? (c.scenario == Scenario::kBattle ? "blocks" : "default") : "random",
              pol.c_str(), static_cast<long long>(s.episodes), static_cast<long long>(c.max_steps),
              static_cast<unsigned long long>(s.seed), backend);
  if (!s.note.empty()) std::printf("note: %s\n", s.note.c_str());
  std::fflush(stdout);
}

// What a non-lethal hit is in this game (a pursuit tag does no damage), and a death (food is eaten).
const char* hits_label(const WorldConfig& c) {
  for (const auto& g : c.groups)
    if (g.type.attack_radius > 0 && g.type.damage == 0.0f) return "tags";
  return "hits";
}
const char* deaths_label(const WorldConfig& c) {
  for (const auto& g : c.groups)
    if (!g.acts) return "eaten";
  return "deaths";
}

// Plays every episode; returns false when interrupted.
bool play(World& world, Players& players, const RunSettings& s, StatsWriter& stats, FrameRecorder* frames) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::string> names;
  for (const auto& g : s.cfg.groups) names.push_back(g.name);
  const int n_groups = s.cfg.n_groups();
  Progress progress(s.episodes, s.cfg.max_steps, !s.quiet);
  int64_t steps_done = 0;
  for (int64_t e = 0; e < s.episodes; ++e) {
    world.reset(s.seed + static_cast<uint64_t>(e));
    EpisodeTotals tot;
    players.observe();
    if (frames) frames->maybe_capture(world, e);
    while (!world.done()) {
      if (SignalStop::requested()) return false;
      int64_t alive_before = 0;
      for (int g = 0; g < n_groups; ++g) alive_before += world.last_stats().alive[g];
      const auto t0 = Clock::now();
      players.act(static_cast<uint32_t>(world.step_index()), s.seed + static_cast<uint64_t>(e));
      const StepStats& st = world.step();
      players.observe();
      tot.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      tot.agent_steps += static_cast<double>(alive_before);
      ++tot.steps;
      ++steps_done;
      for (int g = 0; g < n_groups; ++g) {
        tot.kills[g] += st.kills[g];
        tot.hits[g] += st.hits[g];
        tot.deaths[g] += st.deaths[g];
        tot.reward[g] += st.reward(g);
      }
      stats.write(e, st);
      if (frames) frames->maybe_capture(world, e);  // after the timing: frames are not throughput
      progress.update(e, st.step, steps_done, tot.rate());
    }
    steps_done += s.cfg.max_steps - tot.steps;  // an early end frees its remaining steps
    progress.clear();
    print_summary(e, tot, world.last_stats(), names, world.backend_name(), hits_label(s.cfg), deaths_label(s.cfg));
  }
  return true;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  CLI::App* run = app.add_subcommand("run", "Play episodes of a scenario with scripted policies and report totals");
  add_world_options(*run, o);
  run->add_option("--episodes", o.episodes, "Episodes to play; episode e uses seed s+e")
      ->type_name("INT")->capture_default_str();
  run->add_option("--stats", o.stats_path, "Write one JSON object per step to this .jsonl file")
      ->type_name("FILE");
  run->add_option("--render-every", o.render_every, "Write a PNG frame of the map every K steps (0: none)")
      ->type_name("K")->capture_default_str();
  run->add_option("--render-dir", o.render_dir, "Folder of the frames of --render-every")->type_name("DIR");
  run->add_flag("--quiet,-q", o.quiet, "No header and no progress line; only the per-episode summaries");
  return run;
}

int run_command(RunOptions o) {
  RunSettings s;
  std::unique_ptr<World> world;
  std::unique_ptr<Players> players;
  try {
    s = parse_run_options(o);
    world = make_world(s.backend, s.cfg);
    std::vector<PlayerSpec> specs(s.policies.size());
    for (size_t g = 0; g < specs.size(); ++g) {
      specs[g].world = s.policies[g];
      if (g < s.checkpoints.size()) specs[g].checkpoint = s.checkpoints[g];
      specs[g].greedy_actor = s.greedy_actor;
    }
    players = std::make_unique<Players>(*world, specs);  // a bad or unsuitable checkpoint fails here
  } catch (const std::exception& e) {  // UsageError, invalid_argument, runtime_error, bad_alloc
    std::cerr << "myriad: " << printable(e.what()) << "\n";
    return 2;
  }
  std::vector<std::string> names;
  for (const auto& g : s.cfg.groups) names.push_back(g.name);
  try {
    // SIGINT, SIGTERM and SIGHUP stop after the step: the --stats temporary file is removed (the
    // handlers come first: the file exists from the next line on), the video closed.
    const SignalStop stop;
    StatsWriter stats(s.stats_path, names);
    if (!s.quiet) print_header(s, o.render_command ? "render" : "run", world->backend_name());
    std::unique_ptr<FrameRecorder> frames;
    if (s.render.enabled()) frames = std::make_unique<FrameRecorder>(s.render, s.episodes > 1);
    const bool finished = play(*world, *players, s, stats, frames.get());
    if (frames) frames->finish();  // closes the video (with the frames so far when interrupted)
    if (!finished) {
      std::printf("\n");
      std::cerr << "myriad: interrupted" << (stats.enabled() ? "; no --stats file written" : "") << "\n";
      return 130;
    }
    stats.commit();
    if (frames) std::printf("%s\n", frames->summary().c_str());
  } catch (const UsageError& e) {
    std::cerr << "myriad: " << printable(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "myriad: run failed: " << printable(e.what()) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace myriad::cli
