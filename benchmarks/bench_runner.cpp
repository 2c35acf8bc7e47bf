// bench_runner.cpp: the acting point, the per-point summary (times, model, floors, gaps), the memory
// probes and the doubling sweep of `myriad bench` (the training point is in bench_training.cpp).
#include "bench_runner.hpp"
#include "myriad/games/game.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "acting_step.hpp"
#include "bench_util.hpp"
#include "device_info.hpp"

#if defined(MYRIAD_HAVE_CUDA)
#include <cuda_runtime.h>
#endif

namespace myriad::bench {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

json summary_json(const Summary& s) {
  return {{"ms_median", s.median}, {"ms_min", s.min}, {"ms_max", s.max}, {"ms_mean", s.mean}};
}

std::string cuda_device_name() {
  const json c = cuda_info();
  return c.value("name", std::string());
}

}  // namespace

int64_t default_agents(BackendKind backend) { return backend == BackendKind::kCuda ? 1000000 : 20000; }

bool memory_available(BackendKind backend, double* free_bytes, double* total_bytes) {
  if (backend == BackendKind::kCuda) {
#if defined(MYRIAD_HAVE_CUDA)
    size_t f = 0, t = 0;
    if (cudaMemGetInfo(&f, &t) != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    *free_bytes = static_cast<double>(f);
    *total_bytes = static_cast<double>(t);
    return true;
#else
    return false;
#endif
  }
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0, avail = -1, total = -1;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") avail = kb * 1024;
    if (key == "MemTotal:") total = kb * 1024;
  }
  if (avail < 0 || total < 0) return false;
  *free_bytes = avail;
  *total_bytes = total;
  return true;
}

json summarize_point(const PointSamples& smp, const ModelInput& model, BackendKind backend) {
  json p;
  const Summary step = summarize(smp.step_ms);
  const double m = static_cast<double>(smp.step_ms.size());
  double total_ms = 0;
  for (double v : smp.step_ms) total_ms += v;
  p["steps_timed"] = smp.step_ms.size();
  p["step"] = summary_json(step);
  p["ms_per_step"] = smp.step_ms;
  p["agent_steps"] = smp.agent_steps;
  p["agent_steps_per_s"] = total_ms > 0 ? smp.agent_steps / (total_ms / 1e3) : 0.0;
  p["agent_steps_per_s_at_median"] = step.median > 0 && m > 0 ? smp.agent_steps / m / (step.median / 1e3) : 0.0;

  const bool cuda = backend == BackendKind::kCuda;
  const Limits lim = cuda ? limits_for_device(cuda_device_name()) : h100_limits();
  p["limits"] = {{"name", lim.name}, {"bandwidth_Bps", lim.bandwidth}, {"fp32_flops", lim.fp32},
                 {"tf32_flops", lim.tf32}, {"applies_to_this_run", cuda}};
  json phases = json::object();
  double floor_sum = 0, floor_tf32_sum = 0, bytes_sum = 0, flop_sum = 0;
  std::vector<double> sums(smp.step_ms.size(), 0.0);
  for (int k = 0; k < kBenchPhaseCount; ++k) {
    const Summary s = summarize(smp.phase_ms[k]);
    const PhaseCost c = phase_cost(k, model);
    const double fl = floor_ms(c, lim, false), fl_tf32 = floor_ms(c, lim, true);
    json ph = summary_json(s);
    ph["bytes_read"] = c.bytes_read;
    ph["bytes_written"] = c.bytes_written;
    ph["bytes"] = c.bytes();
    ph["flop"] = c.flop;
    ph["achieved_GBps"] = s.median > 0 ? c.bytes() / (s.median / 1e3) / 1e9 : 0.0;
    ph["achieved_GFLOPps"] = s.median > 0 ? c.flop / (s.median / 1e3) / 1e9 : 0.0;
    ph["floor_ms"] = fl;
    ph["floor_tf32_ms"] = fl_tf32;
    ph["gap"] = cuda && fl > 0 && s.median > 0 ? json(s.median / fl) : json(nullptr);
    phases[bench_phase_name(k)] = ph;
    floor_sum += fl;
    floor_tf32_sum += fl_tf32;
    bytes_sum += c.bytes();
    flop_sum += c.flop;
    for (size_t i = 0; i < sums.size() && i < smp.phase_ms[k].size(); ++i) sums[i] += smp.phase_ms[k][i];
  }
  p["phases"] = phases;
  p["phases_sum"] = summary_json(summarize(sums));
  p["model"] = {{"alive_mean", model.alive},
                {"net_rows_mean", model.net_alive >= 0 ? model.net_alive : model.alive},
                {"cells", model.cells},
                {"obs_bytes", model.obs_bytes},
                {"inputs", model.inputs()},
                {"macs_per_row", model.macs_per_row()},
                {"params_per_network", model.params()},
                {"networks", model.networks},
                {"stored_per_step", model.stored},
                {"batch", model.batch},
                {"updates_per_step", model.updates},
                {"bytes", bytes_sum},
                {"flop", flop_sum}};
  p["floor_ms"] = floor_sum;
  p["floor_tf32_ms"] = floor_tf32_sum;
  p["gap"] = cuda && floor_sum > 0 ? json(step.median / floor_sum) : json(nullptr);
  return p;
}

WorldConfig bench_world_config(const BenchSettings& s, int64_t agents) {
  if (s.scenario == Scenario::kBattle) return battle_config(agents / 2, 0);  // exactly agents/2 per team
  GameSize size;
  size.agents = agents;  // the game's densities: about that many agents
  return game_config(s.scenario, size);
}

json run_acting_point(const BenchSettings& s, int64_t agents, int steps, const ProgressFn& progress) {
  WorldConfig cfg = bench_world_config(s, agents);
  const int64_t total = cfg.n_agents();
  cfg.obs_dtype = s.obs_dtype;
  cfg.max_steps = std::max<int64_t>(cfg.max_steps, s.warmup + steps + 1);
  double free0 = 0, device_total = 0;
  const bool have_mem = memory_available(s.backend, &free0, &device_total);

  const auto t_build = Clock::now();
  auto world = make_world(s.backend, cfg);
  uint64_t seed = s.seed;
  world->reset(seed);
  ActingOptions ao;
  ao.seed = s.seed;
  ao.math = s.math;
  ActingStep acting(*world, ao);
  world->synchronize();
  const double setup_s = seconds_since(t_build);

  PointSamples smp;
  for (auto& v : smp.phase_ms) v.reserve(static_cast<size_t>(steps));
  double phase_ms[kBenchPhaseCount];
  double alive_sum = 0;
  int resets = 0;
  const bool profile = s.profile_from >= 0 && s.backend == BackendKind::kCuda;
  bool profiling = false;
  double device_used = -1;
  const auto t_run = Clock::now();
  for (int i = 0; i < s.warmup + steps; ++i) {
    if (world->done()) {  // an episode ended: another one, outside the clock
      world->reset(++seed);
      world->synchronize();
      ++resets;
    }
    if (profile && i == s.profile_from) {
      world->synchronize();
      cuda_profiler(true);
      profiling = true;
    }
    const double alive = static_cast<double>(alive_total(world->last_stats()));
    const auto t0 = Clock::now();
    acting.play(phase_ms);
    const double ms = 1e3 * seconds_since(t0);
    if (profiling && i + 1 == s.profile_to) {
      cuda_profiler(false);
      profiling = false;
    }
    if (i == 0 && have_mem) {  // every buffer exists after the first step (lazy scratch included)
      double free1 = 0, t1 = 0;
      if (memory_available(s.backend, &free1, &t1)) device_used = free0 - free1;
    }
    if (i >= s.warmup) {
      smp.step_ms.push_back(ms);
      smp.agent_steps += alive;
      alive_sum += alive;
      for (int k = 0; k < kBenchPhaseCount; ++k) smp.phase_ms[k].push_back(phase_ms[k]);
    }
    if (progress) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "acting %lld agents: step %d/%d (%s), %.3g ms/step",
                    static_cast<long long>(total), i + 1, s.warmup + steps, i < s.warmup ? "warm-up" : "timed", ms);
      progress(buf);
    }
  }
  if (profiling) cuda_profiler(false);

  const double mean_alive = smp.step_ms.empty() ? 0.0 : alive_sum / static_cast<double>(smp.step_ms.size());
  json p = summarize_point(smp, acting_model(*world, mean_alive), s.backend);
  p["workload"] = "acting";
  p["scenario"] = scenario_name(s.scenario);
  p["agents"] = total;
  p["agents_per_team"] = total / cfg.n_groups();  // battle: exact; other games: the mean group size
  json groups = json::object();
  for (const auto& g : cfg.groups) groups[g.name] = g.count;
  p["groups"] = groups;
  p["map_side"] = cfg.width;
  p["backend"] = world->backend_name();
  p["obs_dtype"] = s.obs_dtype == ObsDtype::kBf16 ? "bf16" : "f32";
  p["network_math"] = s.backend == BackendKind::kCuda ? net_math_name(s.math) : "fp32";
  p["warmup"] = s.warmup;
  p["setup_s"] = setup_s;
  p["run_s"] = seconds_since(t_run);
  p["episode_resets"] = resets;
  p["alive_at_end"] = alive_total(world->last_stats());
  const double world_bytes = static_cast<double>(world->state_bytes());
  const double acting_bytes = static_cast<double>(acting.bytes());
  const double n = static_cast<double>(total);
  json mem = {{"world_state_bytes", world_bytes},
              {"acting_bytes", acting_bytes},
              {"model_bytes_per_agent", (world_bytes + acting_bytes) / n}};
  if (device_used >= 0) {
    mem[s.backend == BackendKind::kCuda ? "device_used_bytes" : "host_available_drop_bytes"] = device_used;
    if (s.backend == BackendKind::kCuda) mem["device_bytes_per_agent"] = device_used / n;
  }
  // The figure the sweep sizes the next point with: measured on the device, the buffer sum on the CPU.
  mem["bytes_per_agent"] = s.backend == BackendKind::kCuda && device_used > 0 ? device_used / n
                                                                               : (world_bytes + acting_bytes) / n;
  mem["method"] = s.backend == BackendKind::kCuda
                      ? "cudaMemGetInfo before building the world and after its first step (CUB/cuBLAS scratch "
                        "included); world_state_bytes + acting_bytes is the buffer sum"
                      : "buffer sum: World::state_bytes() + the acting step's buffers and networks";
  p["memory"] = mem;
  return p;
}

std::string run_sweep(const BenchSettings& s, int64_t from, int64_t to, const ProgressFn& progress,
                      const std::function<void(const json&)>& on_point) {
  const auto t0 = Clock::now();
  double last_bpa = 0, last_ms = 0, last_setup = 0;
  int64_t last_n = 0;
  for (int64_t n = from;; n *= 2) {
    if (to > 0 && n > to) return "reached --sweep's upper bound " + std::to_string(to);
    double free_b = 0, total_b = 0;
    if (last_bpa > 0 && memory_available(s.backend, &free_b, &total_b)) {
      const double need = last_bpa * static_cast<double>(n);
      const double usable = s.backend == BackendKind::kCuda ? 0.95 * free_b : 0.8 * free_b;
      if (need > usable) {
        std::ostringstream os;
        os.precision(3);
        os << "memory: " << n << " agents would need about " << need / 1e9 << " GB (" << last_bpa
           << " B/agent measured at " << last_n << " agents), " << usable / 1e9 << " GB usable of "
           << free_b / 1e9 << " GB free";
        return os.str();
      }
    }
    int steps = s.steps;
    std::string note;
    if (last_ms > 0 && s.time_budget_s > 0) {
      const double scale = static_cast<double>(n) / static_cast<double>(last_n);
      const double step_s = last_ms / 1e3 * scale, setup_s = last_setup * scale;
      const double left = s.time_budget_s - seconds_since(t0) - setup_s - s.warmup * step_s;
      const int fit = step_s > 0 ? static_cast<int>(std::floor(left / step_s)) : steps;
      if (fit < s.min_sweep_steps) {
        std::ostringstream os;
        os.precision(3);
        os << "time budget: " << n << " agents would take about " << (setup_s + (s.warmup + s.min_sweep_steps) * step_s)
           << " s for " << s.min_sweep_steps << " timed steps; " << std::max(0.0, s.time_budget_s - seconds_since(t0))
           << " s of the " << s.time_budget_s << " s budget (--time-budget) left";
        return os.str();
      }
      if (fit < steps) {
        steps = fit;
        note = std::to_string(fit) + " timed steps instead of " + std::to_string(s.steps) +
               ": the point would overrun the sweep's time budget (--time-budget " +
               std::to_string(static_cast<int>(s.time_budget_s)) + " s)";
      }
    }
    json p;
    try {
      p = run_acting_point(s, n, steps, progress);
    } catch (const std::exception& e) {
      json err = {{"workload", "acting"}, {"agents", n}, {"error", e.what()}, {"sweep", true}};
      on_point(err);
      return std::string("the point at ") + std::to_string(n) + " agents failed: " + e.what();
    }
    p["sweep"] = true;
    if (!note.empty()) p["steps_note"] = note;
    on_point(p);
    last_n = n;
    last_bpa = p["memory"]["bytes_per_agent"].get<double>();
    last_ms = p["step"]["ms_median"].get<double>();
    last_setup = p["setup_s"].get<double>();
    if (n > (int64_t{1} << 40)) return "agent count overflow";
  }
}

}  // namespace myriad::bench
