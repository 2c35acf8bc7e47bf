// schedule.hpp: annealing schedules of the exploration parameters (Boltzmann T 1.0 → 0.1, ε 1 → 0.05),
// pure functions of the step, so a resumed run recomputes the same value from the step alone.
#pragma once
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace myriad {

enum class ScheduleKind : uint8_t { kConstant = 0, kLinear = 1, kExponential = 2 };

// value(step): `start` at step 0, `end` from step `steps` on (exactly); in between linear
// start + (end − start)·s/steps, or exponential (geometric) start·(end/start)^(s/steps).
// steps <= 0 gives `end` from step 0 on; kConstant is always `start`.
struct Schedule {
  ScheduleKind kind = ScheduleKind::kConstant;
  float start = 1.0f;
  float end = 1.0f;
  int64_t steps = 0;

  // Throws std::invalid_argument when an exponential schedule's endpoints are not both positive.
  void validate() const {
    if (kind == ScheduleKind::kExponential && !(start > 0.0f && end > 0.0f))
      throw std::invalid_argument("Schedule: exponential annealing needs positive start and end");
  }

  float value(int64_t step) const {
    if (kind == ScheduleKind::kConstant) return start;
    if (step <= 0 && steps > 0) return start;
    if (step >= steps) return end;
    const double f = static_cast<double>(step) / static_cast<double>(steps);
    if (kind == ScheduleKind::kLinear) return static_cast<float>(start + (static_cast<double>(end) - start) * f);
    return static_cast<float>(start * std::pow(static_cast<double>(end) / start, f));
  }
};

inline Schedule linear_schedule(float start, float end, int64_t steps) {
  return Schedule{ScheduleKind::kLinear, start, end, steps};
}
inline Schedule exponential_schedule(float start, float end, int64_t steps) {
  Schedule s{ScheduleKind::kExponential, start, end, steps};
  s.validate();
  return s;
}

// The defaults of algorithms.md: T 1.0 → 0.1 and ε 1 → 0.05 over `steps`.
inline Schedule default_temperature_schedule(int64_t steps) { return exponential_schedule(1.0f, 0.1f, steps); }
inline Schedule default_epsilon_schedule(int64_t steps) { return linear_schedule(1.0f, 0.05f, steps); }

}  // namespace myriad
