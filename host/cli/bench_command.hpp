// cli/bench_command.hpp: `myriad bench`: the acting / training reference workloads and the doubling
// sweep, per-phase times beside the phase model's floors; a table, a progress line, a JSON results file.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "bench_runner.hpp"

namespace myriad::cli {

struct BenchOptions {
  std::string workload;         // acting | training | sweep; empty: acting then training
  std::string scenario = "battle";
  std::string agents;           // total agents (empty: the backend's reference size)
  std::string sweep;            // FROM:TO (TO a count or "max"); empty: 1000:max
  int steps = 50;
  int warmup = 5;
  std::string backend = "auto";
  std::string json_path;
  std::string obs_dtype = "auto";  // auto: bf16 with CUDA, f32 on the CPU
  std::string math = "auto";       // auto: tf32 with CUDA (fp32 on the CPU, whose network is FP32)
  std::string algorithm = "mfq";   // the training workload's learner
  std::string profile_steps;    // A:B
  uint64_t seed = 1;
  double time_budget_s = -1;    // < 0: the default (300 s)
  bool quiet = false;
  std::string command_line;     // argv joined, for the results file
};

// The checked options: what to measure and how.
struct BenchPlan {
  bench::BenchSettings settings;
  std::vector<std::string> workloads;  // acting, training and/or sweep
  int64_t agents = 0, from = 1000, to = 0;  // the reference workloads' agents; the sweep's FROM:TO (TO 0: max)
  std::string note;                    // an adjustment worth telling the user
};

CLI::App* add_bench_command(CLI::App& app, BenchOptions& o);
// The options checked (UsageError or std::invalid_argument naming the option).
BenchPlan bench_settings(const BenchOptions& o);
// Exit code: 0 done, 1 a failure while measuring (nothing measured, or the JSON not written), 2 bad input.
int bench_command(const BenchOptions& o);

}  // namespace myriad::cli
