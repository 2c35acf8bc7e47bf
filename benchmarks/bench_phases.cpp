// bench_phases.cpp: Google Benchmark micro-benchmarks of the CPU backend at 2k and 20k agents:
// the random policy (act), the whole step (act + step), and reset. One world per size, reused.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/world.hpp"

namespace {

struct Cached {
  std::unique_ptr<myriad::World> world;
  uint64_t seed = 1;
};

// One CPU world per total agent count, built once (density rule, blocks placement) and reused.
Cached& world_for(int64_t total) {
  static std::map<int64_t, Cached> cache;
  Cached& c = cache[total];
  if (!c.world) {
    myriad::WorldConfig cfg = myriad::battle_config(total / 2, 0);
    cfg.max_steps = 1000;
    c.world = myriad::make_world(myriad::BackendKind::kCpu, cfg);
    c.world->reset(c.seed);
  }
  return c;
}

int64_t alive_total(const myriad::StepStats& s) {
  int64_t n = 0;
  for (int g = 0; g < s.n_groups; ++g) n += s.alive[g];
  return n;
}

const std::vector<myriad::PolicySpec> kRandom(2);

void BM_CpuStep(benchmark::State& state) {
  Cached& c = world_for(state.range(0));
  myriad::World& w = *c.world;
  int64_t agent_steps = 0;
  for (auto _ : state) {
    if (w.done()) {
      state.PauseTiming();
      w.reset(++c.seed);
      state.ResumeTiming();
    }
    agent_steps += alive_total(w.last_stats());
    w.act(kRandom);
    benchmark::DoNotOptimize(w.step());
  }
  state.counters["agent_steps_per_s"] = benchmark::Counter(static_cast<double>(agent_steps), benchmark::Counter::kIsRate);
}

void BM_CpuAct(benchmark::State& state) {
  Cached& c = world_for(state.range(0));
  for (auto _ : state) c.world->act(kRandom);
  state.SetItemsProcessed(state.iterations() * c.world->n_agents());
}

void BM_CpuReset(benchmark::State& state) {
  Cached& c = world_for(state.range(0));
  for (auto _ : state) c.world->reset(++c.seed);
  state.SetItemsProcessed(state.iterations() * c.world->n_agents());
}

BENCHMARK(BM_CpuStep)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CpuAct)->Arg(2000)->Arg(20000)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_CpuReset)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
