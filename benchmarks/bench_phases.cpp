// bench_phases.cpp: Google Benchmark micro-benchmarks, one per kernel family: the world's phases
// (spatial index, mean action, observation, environment rules, whole step) here, the network's
// (forward, backward + Adam) and selection in bench_phases_net.cpp. CPU always; CUDA when a device
// answers (skipped otherwise). JSON: --benchmark_out=FILE --benchmark_out_format=json.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/world.hpp"
#include "bench_util.hpp"

void register_network_benchmarks(bool cuda);  // bench_phases_net.cpp

namespace {

struct Cached {
  std::unique_ptr<myriad::World> world;
  uint64_t seed = 1;
};

// One world per (backend, total agents), built once (density rule, blocks placement) and reused.
Cached& world_for(myriad::BackendKind kind, int64_t total) {
  static std::map<std::pair<int, int64_t>, Cached> cache;
  Cached& c = cache[{static_cast<int>(kind), total}];
  if (!c.world) {
    myriad::WorldConfig cfg = myriad::battle_config(total / 2, 0);
    cfg.max_steps = 1000;
    c.world = myriad::make_world(kind, cfg);
    c.world->reset(c.seed);
    c.world->set_phase_timing(true);
  }
  return c;
}

const std::vector<myriad::PolicySpec> kRandom(2);

// Which world phases make up a benchmarked family (phase_timer.hpp); empty: the whole act + step.
struct Family {
  const char* name;
  std::vector<myriad::Phase> phases;
};

// Plays act (random) + step and reports, as the iteration's time, the family's phases (CPU: the
// host clock per phase; CUDA: the world's events), or the whole synchronised step.
void BM_WorldPhase(benchmark::State& state, myriad::BackendKind kind, Family fam) {
  Cached& c = world_for(kind, state.range(0));
  myriad::World& w = *c.world;
  int64_t agent_steps = 0;
  for (auto _ : state) {
    if (w.done()) w.reset(++c.seed);
    agent_steps += myriad::bench::alive_total(w.last_stats());
    const auto t0 = std::chrono::steady_clock::now();
    w.act(kRandom);
    w.step();
    w.synchronize();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!fam.phases.empty()) {
      ms = 0;
      for (myriad::Phase p : fam.phases) ms += w.last_phase_times().ms[static_cast<int>(p)];
    }
    state.SetIterationTime(ms / 1e3);
  }
  state.counters["agents"] = static_cast<double>(state.range(0));
  // Over the reported (manual) time: the phase's own agent-steps per second.
  state.counters["agent_steps_per_s"] = benchmark::Counter(static_cast<double>(agent_steps), benchmark::Counter::kIsRate);
}

void register_world_benchmarks(myriad::BackendKind kind, const std::vector<int64_t>& sizes) {
  using myriad::Phase;
  const std::string backend = kind == myriad::BackendKind::kCuda ? "Cuda" : "Cpu";
  const std::vector<Family> families = {
      {"Index", {Phase::kIndex}},
      {"MeanAction", {Phase::kMeanAction}},
      {"Observe", {Phase::kObserve}},
      {"Rules", {Phase::kAttack, Phase::kRecovery, Phase::kMove, Phase::kReward, Phase::kStats}},
      {"Step", {}},
  };
  for (const Family& f : families) {
    auto* b = benchmark::RegisterBenchmark(("BM_" + backend + f.name).c_str(), BM_WorldPhase, kind, f);
    for (int64_t n : sizes) b->Arg(n);
    b->UseManualTime()->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_world_benchmarks(myriad::BackendKind::kCpu, {2000, 20000});
  register_network_benchmarks(false);
  if (myriad::cuda_device_available()) {
    register_world_benchmarks(myriad::BackendKind::kCuda, {20000, 1000000});
    register_network_benchmarks(true);
  } else {
    std::fprintf(stderr, "myriad_bench_phases: no CUDA device answers: the CUDA benchmarks are skipped\n");
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
