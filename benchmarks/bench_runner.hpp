// bench_runner.hpp: the measurements behind `myriad bench`: one acting or training point (timed
// steps, per-phase median/min/max, the phase model's bytes and FLOP beside them) and the doubling sweep.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "myriad/algorithm.hpp"
#include "myriad/config.hpp"
#include "myriad/network.hpp"
#include "myriad/world.hpp"
#include "phase_model.hpp"

namespace myriad::bench {

struct BenchSettings {
  Scenario scenario = Scenario::kBattle;    // the game every point plays (training: battle, battlefield)
  BackendKind backend = BackendKind::kCpu;  // resolved (kCpu or kCuda) before a run
  int steps = 50;                           // timed steps per point
  int warmup = 5;                           // untimed steps before them
  ObsDtype obs_dtype = ObsDtype::kF32;     // the acting and training workloads' observations
  NetMath math = NetMath::kFp32;           // the CUDA networks' matrix math (the CPU's are FP32)
  uint64_t seed = 1;
  Algorithm algorithm = Algorithm::kMfq;    // the training workload's learner
  int profile_from = -1, profile_to = -1;   // --profile-steps A:B (CUDA only); -1: off
  double time_budget_s = 300;               // sweep: stop (or time fewer steps) past this
  int min_sweep_steps = 5;                  // sweep: fewest timed steps a point may keep
};

// Called with a one-line status while a point runs (at most every step).
using ProgressFn = std::function<void(const std::string&)>;

// Total agents of the reference workload: battle-1M on CUDA, 20k (a scaled-down battle) on the CPU.
int64_t default_agents(BackendKind backend);

// One acting point (ActingStep, both teams' networks) with `steps` timed steps; throws what the
// world or the networks throw (e.g. std::bad_alloc, a CUDA out-of-memory error).
nlohmann::json run_acting_point(const BenchSettings& s, int64_t agents, int steps, const ProgressFn& progress);

// The training configuration the training point uses, as JSON (shown even when not available).
nlohmann::json training_config_json(const BenchSettings& s, int64_t agents);
// One training point (Trainer::train_step with phase timing); {"error": ...} when not available.
nlohmann::json run_training_point(const BenchSettings& s, int64_t agents, int steps, const ProgressFn& progress);

// The acting workload at from, 2·from, 4·from, … while the next point fits: `to` (0: no cap), the
// memory left (device memory on CUDA, MemAvailable on the CPU) over the bytes per agent measured at
// the last point, and the time budget (points near it time fewer steps, with the reason in
// "steps_note"). on_point sees each point as it finishes; the return value says why the sweep stopped.
std::string run_sweep(const BenchSettings& s, int64_t from, int64_t to, const ProgressFn& progress,
                      const std::function<void(const nlohmann::json&)>& on_point);

// Free and total memory where the world lives: cudaMemGetInfo on CUDA, MemAvailable / MemTotal on
// the CPU. False when it cannot be read.
bool memory_available(BackendKind backend, double* free_bytes, double* total_bytes);

// The summary of one point from its samples: step times, per-phase times with the model's bytes,
// FLOP, achieved rates, floors and gaps (device-specific limits on CUDA; on the CPU the H100 floor is
// given for reference, and no gap).
struct PointSamples {
  std::vector<double> step_ms;
  std::vector<double> phase_ms[kBenchPhaseCount];
  double agent_steps = 0;  // sum of agents alive at the start of each timed step
};
nlohmann::json summarize_point(const PointSamples& smp, const ModelInput& model, BackendKind backend);

}  // namespace myriad::bench
