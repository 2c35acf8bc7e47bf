// phase_timer.hpp: the phases of one step (Phase), their per-step times (PhaseTimes), and PhaseScope,
// an RAII guard that opens an NVTX range (MYRIAD_NVTX builds) and a host-clock timer (timing on).
#pragma once
#include <chrono>

#if defined(MYRIAD_NVTX)
#include <nvtx3/nvToolsExt.h>
#endif

namespace myriad {

// The phases of act() + step(), in the order they run within a step (policy runs in act()).
enum class Phase { kAttack, kRecovery, kMove, kReward, kStats, kIndex, kMeanAction, kObserve, kPolicy, kCount };
constexpr int kPhaseCount = static_cast<int>(Phase::kCount);

inline const char* phase_name(Phase p) {
  switch (p) {
    case Phase::kAttack: return "attack";
    case Phase::kRecovery: return "recovery";
    case Phase::kMove: return "move";
    case Phase::kReward: return "reward";
    case Phase::kStats: return "stats";
    case Phase::kIndex: return "index";
    case Phase::kMeanAction: return "mean_action";
    case Phase::kObserve: return "observe";
    case Phase::kPolicy: return "policy";
    case Phase::kCount: break;
  }
  return "?";
}
inline const char* phase_name(int p) { return phase_name(static_cast<Phase>(p)); }

// Milliseconds per phase of the last step (with the act() before it). All zero while timing is off.
struct PhaseTimes {
  double ms[kPhaseCount] = {};
  double total() const {
    double s = 0;
    for (double v : ms) s += v;
    return s;
  }
};

// An NVTX range named after the phase; an empty object unless built with MYRIAD_NVTX.
class NvtxRange {
 public:
#if defined(MYRIAD_NVTX)
  explicit NvtxRange(Phase p) { nvtxRangePushA(phase_name(p)); }
  explicit NvtxRange(const char* name) { nvtxRangePushA(name); }
  ~NvtxRange() { nvtxRangePop(); }
#else
  explicit NvtxRange(Phase) {}
  explicit NvtxRange(const char*) {}
#endif
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;
};

// Host-side phase guard (CPU backend): NVTX range + steady_clock timer that adds the elapsed
// milliseconds to times->ms[p] on exit. times == nullptr (timing off): one predictable branch.
class PhaseScope {
 public:
  using Clock = std::chrono::steady_clock;
  PhaseScope(Phase p, PhaseTimes* times) : range_(p), p_(p), times_(times) {
    if (times_) t0_ = Clock::now();
  }
  ~PhaseScope() {
    if (times_)
      times_->ms[static_cast<int>(p_)] += std::chrono::duration<double, std::milli>(Clock::now() - t0_).count();
  }
  PhaseScope(const PhaseScope&) = delete;
  PhaseScope& operator=(const PhaseScope&) = delete;

 private:
  NvtxRange range_;
  Phase p_;
  PhaseTimes* times_;
  Clock::time_point t0_{};
};

}  // namespace myriad
