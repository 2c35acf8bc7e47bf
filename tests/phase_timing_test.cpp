// phase_timing_test.cpp: per-phase timing (phase_timer.hpp): times are >= 0 and fit inside the
// measured act() + step(), stay zero while off, and never change the state (CPU and CUDA backends).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/phase_timer.hpp"
#include "test_worlds.hpp"

using namespace myriad;

namespace {

using Factory = std::function<std::unique_ptr<World>(const WorldConfig&)>;
const std::vector<PolicySpec> kPolicies = {{PolicyKind::kScripted}, {PolicyKind::kRandom}};

WorldConfig crowded() {
  WorldConfig c = battle_config(400, 50);  // 800 agents on a small map: fights every step
  c.placement = Placement::kRandom;
  return c;
}

double wall_ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// With timing on: every phase >= 0, something was timed, and the phases sum to no more than the
// wall time of act() + step() (+ slack for the clock reads and the event resolution on a GPU).
void expect_times_fit_in_steps(const Factory& make) {
  auto w = make(crowded());
  w->set_phase_timing(true);
  w->reset(3);
  for (int t = 0; t < 10 && !w->done(); ++t) {
    const auto t0 = std::chrono::steady_clock::now();
    w->act(kPolicies);
    w->step();
    w->synchronize();
    const double wall = wall_ms(t0, std::chrono::steady_clock::now());
    const PhaseTimes& pt = w->last_phase_times();
    for (int k = 0; k < kPhaseCount; ++k) EXPECT_GE(pt.ms[k], 0.0) << phase_name(k) << " at step " << t;
    EXPECT_GT(pt.total(), 0.0) << "step " << t;
    EXPECT_LE(pt.total(), wall + 0.1) << "step " << t;
  }
}

// Without act(), the policy phase reads zero and the step phases still fit in step().
void expect_step_only_times(const Factory& make) {
  auto w = make(crowded());
  w->reset(4);
  w->set_phase_timing(true);
  const auto t0 = std::chrono::steady_clock::now();
  w->step();
  w->synchronize();
  const double wall = wall_ms(t0, std::chrono::steady_clock::now());
  const PhaseTimes& pt = w->last_phase_times();
  EXPECT_EQ(pt.ms[static_cast<int>(Phase::kPolicy)], 0.0);
  EXPECT_LE(pt.total(), wall + 0.1);
}

void expect_zero_when_off(const Factory& make) {
  auto w = make(crowded());
  w->reset(5);
  for (int t = 0; t < 3; ++t) {
    w->act(kPolicies);
    w->step();
  }
  for (int k = 0; k < kPhaseCount; ++k) EXPECT_EQ(w->last_phase_times().ms[k], 0.0) << phase_name(k);
  w->set_phase_timing(true);
  w->act(kPolicies);
  w->step();
  EXPECT_GT(w->last_phase_times().total(), 0.0);
  w->set_phase_timing(false);  // switching off clears the last times, and they stay zero
  w->act(kPolicies);
  w->step();
  EXPECT_EQ(w->last_phase_times().total(), 0.0);
}

uint64_t hash_after(const Factory& make, bool timing, int steps) {
  auto w = make(crowded());
  w->set_phase_timing(timing);
  w->reset(7);
  for (int t = 0; t < steps && !w->done(); ++t) {
    w->act(kPolicies);
    w->step();
  }
  return w->snapshot().hash();
}

const Factory kCpu = [](const WorldConfig& c) { return make_cpu_world(c); };
const Factory kCuda = [](const WorldConfig& c) { return make_cuda_world(c); };

}  // namespace

TEST(PhaseTiming, PhaseNamesAreDistinct) {
  for (int a = 0; a < kPhaseCount; ++a)
    for (int b = a + 1; b < kPhaseCount; ++b) EXPECT_STRNE(phase_name(a), phase_name(b));
}

TEST(PhaseTiming, CpuTimesAreNonNegativeAndFitInTheStep) { expect_times_fit_in_steps(kCpu); }
TEST(PhaseTiming, CpuStepWithoutActHasNoPolicyTime) { expect_step_only_times(kCpu); }
TEST(PhaseTiming, CpuTimesStayZeroWhenOff) { expect_zero_when_off(kCpu); }
TEST(PhaseTiming, CpuTimingDoesNotChangeTheState) {
  EXPECT_EQ(hash_after(kCpu, true, 20), hash_after(kCpu, false, 20));
}

TEST_F(CudaTest, PhaseTimesAreNonNegativeAndFitInTheStep) { expect_times_fit_in_steps(kCuda); }
TEST_F(CudaTest, PhaseTimesStepWithoutActHasNoPolicyTime) { expect_step_only_times(kCuda); }
TEST_F(CudaTest, PhaseTimesStayZeroWhenOff) { expect_zero_when_off(kCuda); }
TEST_F(CudaTest, PhaseTimingDoesNotChangeTheState) {
  const uint64_t on = hash_after(kCuda, true, 20);
  EXPECT_EQ(on, hash_after(kCuda, false, 20));
  EXPECT_EQ(on, hash_after(kCpu, false, 20));  // and the GPU still matches the CPU
}
