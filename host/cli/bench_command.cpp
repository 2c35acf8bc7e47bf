// cli/bench_command.cpp: `myriad bench` options, their checks (one line, exit 2), the progress line,
// and the run: reference workloads (acting, training) or the sweep, via benchmarks/ (myriad_bench).
#include "cli/bench_command.hpp"

#include "myriad/games/game.hpp"
#include "myriad/printable.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "bench_output.hpp"
#include "bench_runner.hpp"
#include "bench_util.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "device_info.hpp"

#ifndef MYRIAD_SOURCE_DIR
#define MYRIAD_SOURCE_DIR "."
#endif

namespace myriad::cli {

namespace {

using nlohmann::json;

// One updating line on a terminal (at most every 0.2 s), a plain line every 10 s otherwise.
class BenchProgress {
 public:
  explicit BenchProgress(bool enabled) : enabled_(enabled), tty_(isatty(fileno(stdout)) != 0) {}
  void update(const std::string& line) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (shown_once_ && now - last_ < std::chrono::milliseconds(tty_ ? 200 : 10000)) return;
    last_ = now;
    shown_once_ = true;
    const std::string text = line + "  [" + format_duration(std::chrono::duration<double>(now - start_).count()) + "]";
    if (tty_) {
      std::printf("\r\033[K%s", text.c_str());
      line_shown_ = true;
    } else {
      std::printf("progress: %s\n", text.c_str());
    }
    std::fflush(stdout);
  }
  void clear() {
    if (!line_shown_) return;
    std::printf("\r\033[K");
    std::fflush(stdout);
    line_shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_, tty_, shown_once_ = false, line_shown_ = false;
  Clock::time_point start_ = Clock::now(), last_ = start_;
};

// "FROM:TO" with TO a count or "max" (0 here); throws UsageError.
void parse_sweep(const std::string& text, int64_t& from, int64_t& to) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos)
    throw UsageError("--sweep: expected FROM:TO (e.g. 1000:max or 1000:64000), got '" + text + "'");
  from = parse_int_option("--sweep FROM", text.substr(0, colon), 2);
  const std::string t = text.substr(colon + 1);
  to = t == "max" ? 0 : parse_int_option("--sweep TO", t, 2);
  if (to != 0 && to < from) throw UsageError("--sweep: TO (" + t + ") is below FROM (" + std::to_string(from) + ")");
}

}  // namespace

CLI::App* add_bench_command(CLI::App& app, BenchOptions& o) {
  CLI::App* b = app.add_subcommand("bench", "Benchmark the acting and training steps (per phase, with floors)");
  b->add_option("--workload", o.workload,
                "acting, training or sweep (default: the acting then the training reference workload)")
      ->check(CLI::IsMember({"acting", "training", "sweep"}));
  b->add_option("--scenario", o.scenario, "Game of every point (training: battle or battlefield)")
      ->capture_default_str();
  b->add_option("--agents", o.agents,
                "Total agents of the reference workloads (default: 1000000 on CUDA, 20000 on the CPU)")
      ->type_name("N");
  b->add_option("--sweep", o.sweep, "Sweep agent counts FROM, 2·FROM, ... up to TO or the largest that fits (max)")
      ->type_name("FROM:TO");
  b->add_option("--steps", o.steps, "Timed steps per point")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_option("--warmup", o.warmup, "Untimed steps before them")->capture_default_str()->check(CLI::NonNegativeNumber);
  b->add_option("--backend", o.backend, "auto, cpu or cuda")->capture_default_str();
  b->add_option("--json", o.json_path, "Write the results (device, commit, configuration, points) here")
      ->type_name("FILE");
  b->add_option("--obs-dtype", o.obs_dtype, "Observations: auto (bf16 with CUDA, f32 on the CPU), f32 or bf16")
      ->capture_default_str()->check(CLI::IsMember({"auto", "f32", "bf16"}));
  b->add_option("--math", o.math, "CUDA network math: auto (tf32), fp32 or tf32 (TF32 tensor cores)")
      ->capture_default_str()->check(CLI::IsMember({"auto", "fp32", "tf32"}));
  b->add_option("--profile-steps", o.profile_steps,
                "cudaProfilerStart before step A, Stop after step B-1 of each point (warm-up steps count from 0; "
                "CUDA only; docs/profiling.md)")
      ->type_name("A:B");
  b->add_option("--seed", o.seed, "World and network seed")->capture_default_str();
  b->add_option("--algorithm", o.algorithm, "The training workload's learner: " + algorithm_list())
      ->capture_default_str();
  b->add_option("--time-budget", o.time_budget_s, "Sweep time budget in seconds (default 300)")->type_name("S");
  b->add_flag("--quiet,-q", o.quiet, "No progress line");
  return b;
}

BenchPlan bench_settings(const BenchOptions& o) {
  BenchPlan plan;
  bench::BenchSettings& s = plan.settings;
  std::vector<std::string>& workloads = plan.workloads;
  int64_t &agents = plan.agents, &from = plan.from, &to = plan.to;
  std::string& note = plan.note;
  BackendKind kind = parse_backend_option(o.backend);
  require_backend_available(kind);
  if (kind == BackendKind::kAuto) kind = cuda_device_available() ? BackendKind::kCuda : BackendKind::kCpu;
  s.backend = kind;
  s.scenario = parse_scenario_option(o.scenario);
  const std::string wl = !o.workload.empty() ? o.workload : !o.sweep.empty() ? "sweep" : "";
  if (wl == "sweep") {
    if (!o.agents.empty()) throw UsageError("--agents: the sweep takes its counts from --sweep FROM:TO");
    if (!o.sweep.empty()) parse_sweep(o.sweep, from, to);
    workloads = {"sweep"};
  } else {
    if (!o.sweep.empty()) throw UsageError("--sweep: only with --workload sweep (or without --workload)");
    agents = o.agents.empty() ? bench::default_agents(kind) : parse_int_option("--agents", o.agents, 2);
    workloads = wl.empty() ? std::vector<std::string>{"acting", "training"} : std::vector<std::string>{wl};
    if (o.agents.empty() && kind == BackendKind::kCpu)
      note = "CPU backend: a scaled-down reference workload of 20000 agents (10000 per team) instead of battle-1M's "
             "1000000, so it finishes in about a minute; --agents changes it";
  }
  s.steps = o.steps;
  s.warmup = o.warmup;
  const bool cuda = kind == BackendKind::kCuda;
  s.obs_dtype = o.obs_dtype == "bf16" || (o.obs_dtype == "auto" && cuda) ? ObsDtype::kBf16 : ObsDtype::kF32;
  s.math = o.math == "tf32" || (o.math == "auto" && cuda) ? NetMath::kTf32 : NetMath::kFp32;
  s.seed = o.seed;
  try {
    s.algorithm = parse_algorithm(o.algorithm);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--algorithm: ") + e.what());
  }
  if (o.time_budget_s >= 0) s.time_budget_s = o.time_budget_s;
  try {
    bench::parse_profile_steps(o.profile_steps, s.profile_from, s.profile_to);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (s.profile_from >= s.warmup + s.steps)
    throw UsageError("--profile-steps: A = " + std::to_string(s.profile_from) + " is past the last step (--warmup " +
                     std::to_string(s.warmup) + " + --steps " + std::to_string(s.steps) + ")");
  if (s.profile_from >= 0 && kind != BackendKind::kCuda)
    note += std::string(note.empty() ? "" : "; ") + "--profile-steps does nothing on the CPU backend";
  return plan;
}

int bench_command(const BenchOptions& o) {
  BenchPlan plan;
  try {
    plan = bench_settings(o);
  } catch (const std::exception& e) {
    std::cerr << "myriad: bench: " << printable(e.what()) << "\n";
    return 2;
  }
  const bench::BenchSettings& s = plan.settings;
  const std::vector<std::string>& workloads = plan.workloads;
  const int64_t agents = plan.agents, from = plan.from, to = plan.to;
  const std::string& note = plan.note;

  const std::string commit = bench::current_commit(MYRIAD_SOURCE_DIR);
  json doc = bench::make_document(s, workloads.size() == 1 ? workloads[0] : "acting+training", commit, o.command_line);
  if (!note.empty()) doc["configuration"]["note"] = note;
  const std::string device = s.backend == BackendKind::kCuda ? doc["device"]["cuda"].value("name", std::string("?"))
                                                             : doc["device"]["host"].value("cpu_model", std::string("?"));
  std::printf("myriad bench: %s on %s (%s), commit %s\n", workloads.size() == 1 ? workloads[0].c_str() : "acting + training",
              s.backend == BackendKind::kCuda ? "cuda" : "cpu", device.c_str(), commit.c_str());
  if (!note.empty()) std::printf("note: %s\n", note.c_str());
  std::fflush(stdout);

  BenchProgress progress(!o.quiet);
  const bench::ProgressFn pf = [&progress](const std::string& line) { progress.update(line); };
  int measured = 0;
  auto save = [&]() -> bool {
    try {
      bench::write_json_file(o.json_path, doc);  // after every point: a run cut short keeps what it measured
      return true;
    } catch (const std::exception& e) {
      progress.clear();
      std::cerr << "myriad: bench: " << printable(e.what()) << "\n";
      return false;
    }
  };
  auto record = [&](const json& p) -> bool {
    progress.clear();
    bench::print_point(p);
    if (!p.contains("error")) ++measured;
    doc["points"].push_back(p);
    return save();
  };

  for (const std::string& w : workloads) {
    if (w == "sweep") {
      std::string stop;
      bool ok = true;
      try {
        stop = bench::run_sweep(s, from, to, pf, [&](const json& p) { ok = record(p) && ok; });
      } catch (const std::exception& e) {
        stop = std::string("error: ") + e.what();
      }
      doc["sweep_stop_reason"] = stop;
      progress.clear();
      bench::print_sweep(doc["points"], stop);
      if (!ok || !save()) return 1;
      continue;
    }
    json p;
    try {
      p = w == "acting" ? bench::run_acting_point(s, agents, s.steps, pf)
                        : bench::run_training_point(s, agents, s.steps, pf);
    } catch (const std::exception& e) {
      p = {{"workload", w}, {"agents", agents}, {"error", e.what()}};
    }
    if (!record(p)) return 1;
  }
  progress.clear();
  if (!o.json_path.empty()) std::printf("wrote %s\n", o.json_path.c_str());
  if (measured == 0) {
    std::cerr << "myriad: bench: nothing was measured (see the errors above)\n";
    return 1;
  }
  return 0;
}

}  // namespace myriad::cli
