// bench_model_test.cpp: the phase model of `myriad bench` (benchmarks/phase_model.cpp) on cases
// computed by hand: FLOP of the MLP, bytes of observe/select/replay, the update, floors and limits.
#include <gtest/gtest.h>

#include <string>

#include "myriad/replay.hpp"
#include "phase_model.hpp"

using namespace myriad::bench;

namespace {
PhaseCost cost(BenchPhase p, const ModelInput& m) { return phase_cost(static_cast<int>(p), m); }
}  // namespace

TEST(BenchModel, PhaseNamesInStepOrder) {
  const std::string want[] = {"index", "mean_action", "observe", "forward", "select", "rules", "replay", "update"};
  for (int k = 0; k < kBenchPhaseCount; ++k) EXPECT_EQ(bench_phase_name(k), want[k]);
  EXPECT_EQ(std::string(bench_phase_name(kBenchPhaseCount)), "?");
}

TEST(BenchModel, BattleNetworkShape) {
  const ModelInput m;  // battle defaults: 845 + 32 + 21 -> 128 -> 64 -> 21
  EXPECT_EQ(m.inputs(), 898);
  EXPECT_DOUBLE_EQ(m.macs_per_row(), 898.0 * 128 + 128 * 64 + 64 * 21);  // 124,480
  EXPECT_DOUBLE_EQ(m.macs_per_row(), 124480.0);
  EXPECT_DOUBLE_EQ(m.params(), 124480.0 + 128 + 64 + 21);
}

TEST(BenchModel, ForwardOfBattle1MIsAQuarterTeraflop) {
  ModelInput m;
  m.alive = 1e6;
  const PhaseCost c = cost(BenchPhase::kForward, m);
  EXPECT_DOUBLE_EQ(c.flop, 2.0 * 1e6 * 124480);  // performance.md: about 0.25 TFLOP per step
  EXPECT_DOUBLE_EQ(c.bytes_written, 1e6 * 21 * 4);
  EXPECT_DOUBLE_EQ(c.bytes_read, 1e6 * (845 * 4 + 32 * 4 + 21 * 4) + 2 * 4 * m.params());
  m.net_alive = 5e5;  // the training step: only the learners have a network
  EXPECT_DOUBLE_EQ(cost(BenchPhase::kForward, m).flop, 2.0 * 5e5 * 124480);
}

TEST(BenchModel, ObserveWritesViewsInTheirDtypeAndFloatFeatures) {
  ModelInput m;
  m.alive = 1000;
  m.cells = 100;
  PhaseCost c = cost(BenchPhase::kObserve, m);
  EXPECT_DOUBLE_EQ(c.bytes_written, 1000.0 * (845 * 4 + 32 * 4));  // 3.508 MB
  EXPECT_DOUBLE_EQ(c.bytes_read, 13.0 * 1000 + 5 * 100);
  EXPECT_DOUBLE_EQ(c.flop, 0);
  m.obs_bytes = 2;
  c = cost(BenchPhase::kObserve, m);
  EXPECT_DOUBLE_EQ(c.bytes_written, 1000.0 * (845 * 2 + 32 * 4));  // 1.818 MB
}

TEST(BenchModel, SelectIndexMeanActionRules) {
  ModelInput m;
  m.alive = 10;
  PhaseCost c = cost(BenchPhase::kSelect, m);
  EXPECT_DOUBLE_EQ(c.bytes_read, 840);
  EXPECT_DOUBLE_EQ(c.bytes_written, 10);
  EXPECT_DOUBLE_EQ(c.flop, 1680);
  c = cost(BenchPhase::kIndex, m);
  EXPECT_DOUBLE_EQ(c.bytes(), 170);
  c = cost(BenchPhase::kMeanAction, m);
  EXPECT_DOUBLE_EQ(c.bytes_read, 90);
  EXPECT_DOUBLE_EQ(c.bytes_written, 840);
  EXPECT_DOUBLE_EQ(c.flop, 840);
  c = cost(BenchPhase::kRules, m);
  EXPECT_DOUBLE_EQ(c.bytes(), 370);
  EXPECT_DOUBLE_EQ(c.flop, 40);
}

TEST(BenchModel, ReplayWritesStoredTransitionsAtTheReplayBufferSize) {
  ModelInput m;
  m.stored = 100;
  const PhaseCost c = cost(BenchPhase::kReplay, m);
  const double per = static_cast<double>(myriad::bytes_per_transition(myriad::ReplayShape{845, 32, 21}));
  EXPECT_DOUBLE_EQ(per, 3726);
  EXPECT_DOUBLE_EQ(c.bytes_written, 100 * per);
  EXPECT_DOUBLE_EQ(c.bytes_read, 100.0 * (2 * (845 * 4 + 32 * 4 + 21 * 4) + 6));
  m.stored = 0;
  EXPECT_DOUBLE_EQ(cost(BenchPhase::kReplay, m).bytes(), 0);
}

TEST(BenchModel, UpdateCountsForwardBackwardTargetAndAdam) {
  ModelInput m;
  EXPECT_DOUBLE_EQ(cost(BenchPhase::kUpdate, m).flop, 0);  // acting step: no update
  m.batch = 1;
  m.updates = 1;
  const double P = 124693;
  PhaseCost c = cost(BenchPhase::kUpdate, m);
  EXPECT_DOUBLE_EQ(c.flop, 2.0 * 124480 * 3 + 2.0 * (128 * 64 + 64 * 21) + 15 * P);  // 2,636,347
  EXPECT_DOUBLE_EQ(c.flop, 2636347.0);
  EXPECT_DOUBLE_EQ(c.bytes_read, 3726 + 24 * P);
  EXPECT_DOUBLE_EQ(c.bytes_written, 20 * P);
  m.double_q = true;
  EXPECT_DOUBLE_EQ(cost(BenchPhase::kUpdate, m).flop, 2636347.0 + 2.0 * 124480);
  m.double_q = false;
  m.batch = 65536;
  m.updates = 0.5;  // one update every other step
  c = cost(BenchPhase::kUpdate, m);
  EXPECT_DOUBLE_EQ(c.flop, 0.5 * (2.0 * 65536 * 124480 * 3 + 2.0 * 65536 * (128 * 64 + 64 * 21) + 15 * P));
}

TEST(BenchModel, FloorIsTheSlowerOfBandwidthAndArithmetic) {
  const Limits h100 = h100_limits();
  EXPECT_DOUBLE_EQ(h100.bandwidth, 3.0e12);
  EXPECT_DOUBLE_EQ(h100.fp32, 67e12);
  EXPECT_DOUBLE_EQ(h100.tf32, 495e12);
  EXPECT_DOUBLE_EQ(floor_ms(PhaseCost{3e9, 0, 0}, h100, false), 1.0);    // 3 GB at 3 TB/s
  EXPECT_DOUBLE_EQ(floor_ms(PhaseCost{0, 0, 67e9}, h100, false), 1.0);   // 67 GFLOP at 67 TFLOP/s
  EXPECT_NEAR(floor_ms(PhaseCost{0, 0, 67e9}, h100, true), 67.0 / 495.0, 1e-12);
  EXPECT_DOUBLE_EQ(floor_ms(PhaseCost{1.5e9, 1.5e9, 6.7e9}, h100, false), 1.0);  // memory-bound
  EXPECT_DOUBLE_EQ(limits_for_device("NVIDIA H200").bandwidth, 4.8e12);
  EXPECT_DOUBLE_EQ(limits_for_device("NVIDIA H100 80GB HBM3").bandwidth, 3.0e12);
  // battle-1M forward at FP32 CUDA-core rates: about 3.7 ms (performance.md: ~4 ms).
  ModelInput m;
  m.alive = 1e6;
  EXPECT_NEAR(floor_ms(cost(BenchPhase::kForward, m), h100, false), 2.0 * 124480 * 1e6 / 67e12 * 1e3, 1e-9);
}
