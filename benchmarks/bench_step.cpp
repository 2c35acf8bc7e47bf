// bench_step.cpp: the throughput sweep: a game (battle by default) with random policies at a list of agent
// counts or map sides (the game's density rule and map generator), timing act + step per step and each
// phase; a table and JSON. compare_magent2.py drives it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "myriad/config.hpp"
#include "myriad/games/game.hpp"
#include "myriad/phase_timer.hpp"
#include "myriad/world.hpp"
#include "bench_util.hpp"
#include "device_info.hpp"

namespace {

using myriad::bench::alive_total;
using myriad::bench::utc_now;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  std::string scenario = "battle";
  std::string agents = "1000,10000";
  std::string map_sizes;  // comma-separated sides (0: the game's default map); replaces --agents
  std::string backend = "auto";
  std::string placement = "blocks";
  std::string obs_dtype = "f32";
  std::string mean_action = "radius";
  int steps = 20;
  int warmup = 3;
  uint64_t seed = 1;
  std::string out;
  std::string commit;
  bool phase_timing = true;
  std::string profile_steps;  // "A:B": cudaProfilerStart before step A, Stop after step B-1
  int profile_from = -1, profile_to = -1;
};

std::vector<int64_t> parse_counts(const std::string& s) {
  std::vector<int64_t> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    size_t used = 0;
    const double d = std::stod(item, &used);  // accepts 1e6
    if (used != item.size() || !(d >= 2)) throw std::invalid_argument("--agents: bad count '" + item + "'");
    v.push_back(static_cast<int64_t>(std::llround(d)));
  }
  if (v.empty()) throw std::invalid_argument("--agents: empty list");
  return v;
}

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The world of one point: battle with total/2 per team (exactly), or the game at about `total` agents,
// or (side >= 0) the game at that map side (0: its default map).
myriad::WorldConfig point_config(const Options& o, int64_t total, int side) {
  const myriad::Scenario sc = myriad::parse_scenario(o.scenario);
  myriad::GameSize size;
  if (side >= 0) {
    size.map_size = side;
  } else if (sc == myriad::Scenario::kBattle) {
    return myriad::battle_config(total / 2, 0);
  } else {
    size.agents = total;
  }
  return myriad::game_config(sc, size);
}

// One point of the sweep; throws whatever the world throws (the caller records it).
json run_point(const Options& o, int64_t total, int side, std::string& backend_name) {
  myriad::WorldConfig cfg = point_config(o, total, side);
  const int64_t n_agents = cfg.n_agents();
  cfg.placement = o.placement == "random" ? myriad::Placement::kRandom : myriad::Placement::kDefault;
  cfg.obs_dtype = o.obs_dtype == "bf16" ? myriad::ObsDtype::kBf16 : myriad::ObsDtype::kF32;
  cfg.mean_mode = o.mean_action == "off"    ? myriad::MeanActionMode::kOff
                  : o.mean_action == "team" ? myriad::MeanActionMode::kTeamWide
                                            : myriad::MeanActionMode::kRadius;
  cfg.max_steps = std::max<int64_t>(cfg.max_steps, o.warmup + o.steps + 1);
  const std::vector<myriad::PolicySpec> policy(cfg.groups.size());

  json p;
  p["scenario"] = myriad::scenario_name(cfg.scenario);
  p["agents"] = n_agents;
  p["agents_per_team"] = n_agents / cfg.n_groups();
  json groups = json::object();
  for (const auto& g : cfg.groups) groups[g.name] = g.count;
  p["groups"] = groups;
  p["map_side"] = cfg.width;

  const auto t_build = Clock::now();
  auto w = myriad::make_world(myriad::parse_backend(o.backend), cfg);
  uint64_t seed = o.seed;
  w->reset(seed);
  w->synchronize();
  p["setup_s"] = seconds(t_build, Clock::now());
  backend_name = w->backend_name();
  p["backend"] = backend_name;
  w->set_phase_timing(o.phase_timing);
  const bool profile = o.profile_from >= 0 && backend_name == "cuda";
  bool profiling = false;
  int played = 0;  // steps played at this point, warm-up included: the --profile-steps index

  int resets = 0;
  std::vector<double> phase_ms[myriad::kPhaseCount];
  auto play = [&](bool timed, std::vector<double>& ms, int64_t& agent_steps) {
    if (w->done()) {  // an episode ended: start another, outside the clock
      w->reset(++seed);
      w->synchronize();
      ++resets;
    }
    if (profile && played == o.profile_from) {
      w->synchronize();
      myriad::bench::cuda_profiler(true);
      profiling = true;
    }
    const int64_t alive = alive_total(w->last_stats());
    const auto t0 = Clock::now();
    w->act(policy);
    w->step();
    w->synchronize();
    const auto t1 = Clock::now();
    if (profiling && played + 1 == o.profile_to) {
      myriad::bench::cuda_profiler(false);
      profiling = false;
    }
    ++played;
    if (timed) {
      ms.push_back(1e3 * seconds(t0, t1));
      agent_steps += alive;
      for (int k = 0; k < myriad::kPhaseCount; ++k) phase_ms[k].push_back(w->last_phase_times().ms[k]);
    }
  };
  std::vector<double> ms;
  int64_t agent_steps = 0;
  for (int i = 0; i < o.warmup; ++i) play(false, ms, agent_steps);
  for (int i = 0; i < o.steps; ++i) play(true, ms, agent_steps);
  if (profiling) myriad::bench::cuda_profiler(false);  // the range ran past the last step

  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const size_t m = sorted.size();
  const double median = m == 0 ? 0 : (m % 2 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]));
  const double total_s = std::accumulate(ms.begin(), ms.end(), 0.0) / 1e3;
  const size_t bytes = w->state_bytes();
  p["steps_timed"] = static_cast<int64_t>(m);
  p["ms_median"] = median;
  p["ms_min"] = m ? sorted.front() : 0.0;
  p["ms_max"] = m ? sorted.back() : 0.0;
  p["ms_mean"] = m ? 1e3 * total_s / static_cast<double>(m) : 0.0;
  p["agent_steps"] = agent_steps;
  p["agent_steps_per_s"] = total_s > 0 ? static_cast<double>(agent_steps) / total_s : 0.0;
  // The same at the median step time (robust to a few slow steps on a shared machine).
  p["agent_steps_per_s_at_median"] =
      median > 0 ? static_cast<double>(agent_steps) / static_cast<double>(m) / (median / 1e3) : 0.0;
  p["alive_at_end"] = alive_total(w->last_stats());
  p["episode_resets"] = resets;
  p["ms_per_step"] = ms;
  p["phase_timing"] = o.phase_timing;
  if (o.phase_timing) {
    json phases = json::object();
    std::vector<double> sums(ms.size(), 0.0);
    for (int k = 0; k < myriad::kPhaseCount; ++k) {
      const myriad::bench::Summary s = myriad::bench::summarize(phase_ms[k]);
      phases[myriad::phase_name(k)] = {{"ms_median", s.median}, {"ms_min", s.min}, {"ms_max", s.max},
                                       {"ms_mean", s.mean}};
      for (size_t i = 0; i < sums.size(); ++i) sums[i] += phase_ms[k][i];
    }
    p["phases"] = phases;
    const myriad::bench::Summary sum = myriad::bench::summarize(sums);
    p["phases_sum"] = {{"ms_median", sum.median}, {"ms_min", sum.min}, {"ms_max", sum.max}, {"ms_mean", sum.mean}};
  }
  p["state_bytes"] = static_cast<unsigned long long>(bytes);
  p["bytes_per_agent"] = static_cast<double>(bytes) / static_cast<double>(n_agents);
  return p;
}

void write_json(const std::string& path, const json& j) {
  if (path.empty()) return;
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << j.dump(2) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"myriad_bench_step: a game's step throughput (random policies) over agent counts or map sides"};
  app.add_option("--scenario", o.scenario, "game: " + myriad::scenario_list())->capture_default_str();
  app.add_option("--agents", o.agents, "total agent counts, comma-separated (battle: per team = half)")
      ->capture_default_str();
  app.add_option("--map-size", o.map_sizes, "map sides, comma-separated, instead of --agents (0: the game's default)");
  app.add_option("--backend", o.backend, "auto | cpu | cuda")->capture_default_str();
  app.add_option("--steps", o.steps, "timed steps per point")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--warmup", o.warmup, "untimed steps before timing")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.seed, "world seed")->capture_default_str();
  app.add_option("--placement", o.placement, "blocks | random")->capture_default_str()
      ->check(CLI::IsMember({"blocks", "random"}));
  app.add_option("--obs-dtype", o.obs_dtype, "f32 | bf16")->capture_default_str()->check(CLI::IsMember({"f32", "bf16"}));
  app.add_option("--mean-action", o.mean_action, "radius (Chebyshev, r = 6) | team | off")->capture_default_str()
      ->check(CLI::IsMember({"radius", "team", "off"}));
  app.add_option("--out", o.out, "JSON results file");
  app.add_option("--commit", o.commit, "commit to record (default: $MYRIAD_COMMIT)");
  app.add_flag("!--no-phase-timing", o.phase_timing, "do not time the phases (CUDA: no events recorded)");
  app.add_option("--profile-steps", o.profile_steps,
                 "A:B: cudaProfilerStart before step A and Stop after step B-1 of each point (warm-up "
                 "steps count from 0; cuda backend only; see docs/profiling.md)");
  CLI11_PARSE(app, argc, argv);

  std::vector<int64_t> counts;
  std::vector<int> sides;
  try {
    myriad::parse_scenario(o.scenario);
    if (!o.map_sizes.empty()) {
      std::stringstream ss(o.map_sizes);
      std::string item;
      while (std::getline(ss, item, ',')) {
        size_t used = 0;
        const long v = std::stol(item, &used);
        if (used != item.size() || v < 0 || v > 65535) throw std::invalid_argument("--map-size: bad side '" + item + "'");
        sides.push_back(static_cast<int>(v));
        counts.push_back(0);
      }
    } else {
      counts = parse_counts(o.agents);
    }
    myriad::bench::parse_profile_steps(o.profile_steps, o.profile_from, o.profile_to);
    myriad::parse_backend(o.backend);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "myriad_bench_step: %s\n", e.what());
    return 2;
  }
  if (o.commit.empty()) {
    const char* env = std::getenv("MYRIAD_COMMIT");
    o.commit = env && *env ? env : "unknown";
  }

  json doc;
  doc["benchmark"] = "myriad_bench_step";
  doc["date"] = utc_now();
  doc["commit"] = o.commit;
  doc["device"] = {{"backend_requested", o.backend}, {"backend", nullptr}, {"host", myriad::bench::host_info()}};
  doc["configuration"] = {{"scenario", o.scenario},
                          {"policy", "random (PolicySpec{}) for every group"},
                          {"map_rule", o.scenario == "battle" ? "S = ceil(5*sqrt(agents_per_team))"
                                                              : "the game's density rule / map generator"},
                          {"placement", o.placement},
                          {"obs_dtype", o.obs_dtype},
                          {"mean_action", o.mean_action},
                          {"steps", o.steps},
                          {"warmup", o.warmup},
                          {"seed", o.seed},
                          {"timed_region", "act + step + synchronize, per step"},
                          {"phase_timing", o.phase_timing ? (o.backend == "cpu" ? "steady_clock per phase"
                                                                                : "steady_clock per phase (cpu), "
                                                                                  "CUDA events on the stream (cuda)")
                                                          : "off"},
                          {"profile_steps", o.profile_steps},
                          {"agent_steps", "sum over timed steps of agents alive at the start of the step"}};
  doc["points"] = json::array();
  bool have_cuda_info = false;
  if (o.backend != "cpu") {  // device name, driver and runtime versions (or "available": false)
    doc["device"]["cuda"] = myriad::bench::cuda_info();
    have_cuda_info = true;
  }

  std::printf("%11s %6s %8s %10s %10s %10s %14s %12s %10s  %s\n", "agents", "map", "backend", "ms_median",
              "ms_min", "ms_max", "agent-steps/s", "state_MB", "B/agent", "note");
  int ok = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    const int64_t total = counts[k];
    std::string backend_name = "?";
    json p;
    try {
      p = run_point(o, total, sides.empty() ? -1 : sides[k], backend_name);
      ++ok;
      std::printf("%11lld %6d %8s %10.3f %10.3f %10.3f %14.4g %12.1f %10.1f\n",
                  static_cast<long long>(p["agents"].get<int64_t>()), p["map_side"].get<int>(),
                  backend_name.c_str(), p["ms_median"].get<double>(), p["ms_min"].get<double>(),
                  p["ms_max"].get<double>(), p["agent_steps_per_s"].get<double>(),
                  static_cast<double>(p["state_bytes"].get<unsigned long long>()) / 1e6,
                  p["bytes_per_agent"].get<double>());
      if (p.contains("phases")) {
        for (int k = 0; k < myriad::kPhaseCount; ++k) {
          const json& ph = p["phases"][myriad::phase_name(k)];
          std::printf("%11s %15s %10.3f %10.3f %10.3f\n", "", myriad::phase_name(k), ph["ms_median"].get<double>(),
                      ph["ms_min"].get<double>(), ph["ms_max"].get<double>());
        }
        const json& sum = p["phases_sum"];
        std::printf("%11s %15s %10.3f %10.3f %10.3f\n", "", "sum of phases", sum["ms_median"].get<double>(),
                    sum["ms_min"].get<double>(), sum["ms_max"].get<double>());
      }
      doc["device"]["backend"] = backend_name;
      if (backend_name == "cuda" && !have_cuda_info) {
        doc["device"]["cuda"] = myriad::bench::cuda_info();
        have_cuda_info = true;
      }
    } catch (const std::exception& e) {
      p = {{"agents", total}, {"map_side", sides.empty() ? 0 : sides[k]}, {"error", e.what()}};
      std::printf("%11lld %6d %8s %10s %10s %10s %14s %12s %10s  error: %s\n", static_cast<long long>(total),
                  p["map_side"].get<int>(), "-", "-", "-", "-", "-", "-", "-", e.what());
    }
    std::fflush(stdout);
    doc["points"].push_back(p);
    try {
      write_json(o.out, doc);  // after every point, so a sweep cut short keeps what it measured
    } catch (const std::exception& e) {
      std::fprintf(stderr, "myriad_bench_step: %s\n", e.what());
      return 1;
    }
  }
  if (!o.out.empty()) std::printf("wrote %s\n", o.out.c_str());
  return ok > 0 ? 0 : 1;
}
