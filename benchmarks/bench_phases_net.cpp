// bench_phases_net.cpp: micro-benchmarks of the network families (forward; forward + TD loss + backward + adam_step)
// and Boltzmann selection, on rows assembled from a running battle (never zeros), CPU and CUDA.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "myriad/config.hpp"
#include "myriad/dense_ops.hpp"
#include "myriad/network.hpp"
#include "myriad/select.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"
#include "phase_model.hpp"

namespace {

// Network inputs of `rows` red agents of a battle a few steps in, on one backend, with its network.
struct NetFixture {
  std::unique_ptr<myriad::World> world;
  std::unique_ptr<myriad::TrainerOps> ops;
  std::unique_ptr<myriad::Network> net;
  myriad::NetInputSource src;  // where the rows come from: the world's buffers
  float *x = nullptr, *q = nullptr, *y = nullptr, *dz = nullptr, *terms = nullptr;
  double* loss = nullptr;
  int* a = nullptr;
  uint8_t* act = nullptr;
  int rows = 0, width = 0, k = 0;
};

NetFixture& fixture(bool cuda, int rows) {
  static std::map<std::pair<bool, int>, NetFixture> cache;
  NetFixture& f = cache[{cuda, rows}];
  if (f.world) return f;
  const auto kind = cuda ? myriad::BackendKind::kCuda : myriad::BackendKind::kCpu;
  f.world = myriad::make_world(kind, myriad::battle_config(rows, 0));
  f.world->reset(1);
  for (int i = 0; i < 3; ++i) {
    f.world->act(std::vector<myriad::PolicySpec>(2));
    f.world->step();
  }
  f.world->synchronize();
  f.ops = std::make_unique<myriad::TrainerOps>(f.world->backend());
  f.rows = rows;
  f.k = f.world->groups().type[0].n_actions();
  const myriad::NetInputSource s = myriad::net_input_source(*f.world, 0, myriad::InputMode::kMeanAction);
  f.src = s;
  f.width = static_cast<int>(s.width());
  f.x = f.ops->alloc<float>(static_cast<size_t>(rows) * f.width);
  f.q = f.ops->alloc<float>(static_cast<size_t>(rows) * f.k);
  f.y = f.ops->alloc<float>(static_cast<size_t>(rows));
  f.dz = f.ops->alloc<float>(static_cast<size_t>(rows) * f.k);
  f.terms = f.ops->alloc<float>(static_cast<size_t>(rows));
  f.loss = f.ops->alloc<double>(2);
  f.a = f.ops->alloc<int>(static_cast<size_t>(rows));
  f.act = f.ops->alloc<uint8_t>(static_cast<size_t>(rows));
  f.ops->net_input(s, 0, nullptr, rows, myriad::row_dest(f.x, s));
  std::vector<int> ha(static_cast<size_t>(rows));
  std::vector<float> hy(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    ha[static_cast<size_t>(r)] = (r * 7) % f.k;
    hy[static_cast<size_t>(r)] = 0.01f * static_cast<float>(r % 100) - 0.5f;
  }
  f.ops->from_host(f.a, ha.data(), ha.size() * sizeof(int));
  f.ops->from_host(f.y, hy.data(), hy.size() * sizeof(float));
  f.ops->synchronize();
  myriad::MlpShape shape;
  shape.inputs = f.width;
  shape.outputs = f.k;
  f.net = myriad::make_network(f.world->backend(), shape, 7);
  return f;
}

// Multiply-adds per row of the fixture's network: Σ over layers of in · out (layers >= first).
double macs_per_row(const NetFixture& f, int first = 0) {
  const myriad::MlpShape& s = f.net->shape();
  double m = 0;
  for (int l = first; l < s.layers(); ++l) m += static_cast<double>(s.in_dim(l)) * s.out_dim(l);
  return m;
}

void BM_Forward(benchmark::State& state, bool cuda) {
  NetFixture& f = fixture(cuda, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    f.net->forward(f.x, f.rows, f.q);
    f.net->synchronize();
  }
  state.SetItemsProcessed(state.iterations() * f.rows);
  state.counters["FLOP_per_s"] = benchmark::Counter(2.0 * macs_per_row(f) * f.rows,
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// The path acting takes: inputs read from the world's buffers (forward_inputs), no rows.
void BM_ForwardInputs(benchmark::State& state, bool cuda) {
  NetFixture& f = fixture(cuda, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    f.net->forward_inputs(f.src, 0, f.rows, f.q);
    f.net->synchronize();
  }
  state.SetItemsProcessed(state.iterations() * f.rows);
  state.counters["FLOP_per_s"] = benchmark::Counter(2.0 * macs_per_row(f) * f.rows,
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// Forward, the TD loss's gradient (the learn program's rule), backward, one Adam step: the update's network work.
void BM_BackwardAdam(benchmark::State& state, bool cuda) {
  NetFixture& f = fixture(cuda, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    f.net->forward(f.x, f.rows, f.q);
    const myriad::LearnProgram& learn = f.world->backend().learn();
    learn.td_loss(f.rows, f.k, f.q, f.a, f.y, 1.0f / static_cast<float>(f.rows), f.dz, f.terms);
    learn.sum_terms(f.terms, f.rows, f.loss);
    f.net->backward(f.x, f.rows, f.dz);
    f.net->adam_step();
    f.net->synchronize();
  }
  state.SetItemsProcessed(state.iterations() * f.rows);
  // forward + weight gradients (2 passes) + input gradients of the layers after the first (phase_model.cpp).
  const double flop = 2.0 * macs_per_row(f) * f.rows * 2 + 2.0 * f.rows * macs_per_row(f, 1);
  state.counters["FLOP_per_s"] = benchmark::Counter(flop, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Select(benchmark::State& state, bool cuda) {
  NetFixture& f = fixture(cuda, static_cast<int>(state.range(0)));
  f.net->forward(f.x, f.rows, f.q);
  f.net->synchronize();
  myriad::SelectParams sp;
  sp.mode = myriad::SelectMode::kBoltzmann;
  sp.n_actions = sp.stride = f.k;
  sp.temperature = 1.0f;
  for (auto _ : state) {
    ++sp.step;
    myriad::select_actions(f.world->backend(), sp, f.q, f.rows, nullptr, f.act);
    f.ops->synchronize();
  }
  state.SetItemsProcessed(state.iterations() * f.rows);
}

// The CPU products on a large dense square layer (n × n inputs and weights, no zeros): the rate the
// machine reaches through the same code, against which the network's own shapes are read.
void BM_CpuDenseSquare(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<float> a(static_cast<size_t>(n) * n, 0.5f), w(a.size(), 0.25f), z(a.size()), wt(a.size());
  std::vector<float> bias(static_cast<size_t>(n), 0.0f);
  for (auto _ : state) {
    myriad::dense::forward(a.data(), n, n, w.data(), bias.data(), n, false, z.data(), wt.data());
    benchmark::DoNotOptimize(z.data());
  }
  state.counters["FLOP_per_s"] = benchmark::Counter(2.0 * n * n * static_cast<double>(n),
                                                    benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(myriad::dense::library());
}

}  // namespace

void register_network_benchmarks(bool cuda) {
  if (!cuda)
    benchmark::RegisterBenchmark("BM_CpuDenseSquare", BM_CpuDenseSquare)->Arg(2048)->UseRealTime()->Unit(benchmark::kMillisecond);
  const std::string b = cuda ? "Cuda" : "Cpu";
  const std::vector<int64_t> fwd = cuda ? std::vector<int64_t>{65536, 500000} : std::vector<int64_t>{1024, 10000};
  const std::vector<int64_t> bwd = cuda ? std::vector<int64_t>{8192, 65536} : std::vector<int64_t>{256, 1024};
  auto* f = benchmark::RegisterBenchmark(("BM_" + b + "Forward").c_str(), BM_Forward, cuda);
  auto* fi = benchmark::RegisterBenchmark(("BM_" + b + "ForwardInputs").c_str(), BM_ForwardInputs, cuda);
  auto* u = benchmark::RegisterBenchmark(("BM_" + b + "BackwardAdam").c_str(), BM_BackwardAdam, cuda);
  auto* s = benchmark::RegisterBenchmark(("BM_" + b + "Select").c_str(), BM_Select, cuda);
  for (int64_t n : fwd) f->Arg(n), fi->Arg(n), s->Arg(n);
  for (int64_t n : bwd) u->Arg(n);
  for (auto* x : {f, fi, u, s}) x->UseRealTime()->Unit(benchmark::kMillisecond);
}
