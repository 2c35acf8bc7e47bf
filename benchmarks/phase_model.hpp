// phase_model.hpp: the analytic cost model of one battle step, phase by phase: the fewest bytes each
// phase must read and write and its floating-point operations, and the floor they imply at a device's limits.
#pragma once
#include <cstdint>
#include <string>

namespace myriad::bench {

// The phases a benchmark reports, in this order (the order of the trainer's TrainPhase too).
enum class BenchPhase { kIndex, kMeanAction, kObserve, kForward, kSelect, kRules, kReplay, kUpdate, kCount };
constexpr int kBenchPhaseCount = static_cast<int>(BenchPhase::kCount);
const char* bench_phase_name(int p);

// What the model needs to know about a step. Counts are whole-world unless said otherwise.
struct ModelInput {
  double alive = 0;           // agents alive at the start of the step (both teams)
  double net_alive = -1;      // alive agents that go through a network (< 0: all of alive)
  double cells = 0;           // map cells W·H
  int view = 845;             // V: 13·13·5 view values per agent
  int features = 32;          // F: float features per agent
  int actions = 21;           // K: actions (Q outputs, mean-action width)
  int obs_bytes = 4;          // bytes per view value: 4 (f32) or 2 (bf16)
  int hidden1 = 128, hidden2 = 64;
  int networks = 2;           // one shared network per team
  // Training only (zero for the acting step):
  double stored = 0;          // transitions written to replay this step (learners alive · store fraction)
  double batch = 0;           // minibatch rows per update (0: no update this step)
  double updates = 0;         // Adam updates per step
  bool double_q = false;      // greedy_double target: one more online forward on x′
  int inputs() const { return view + features + actions; }  // 898 for battle
  double macs_per_row() const {                               // multiply-adds of one forward row
    return static_cast<double>(inputs()) * hidden1 + static_cast<double>(hidden1) * hidden2 +
           static_cast<double>(hidden2) * actions;
  }
  double params() const {  // parameters of one network (weights and biases)
    return macs_per_row() + hidden1 + hidden2 + actions;
  }
};

struct PhaseCost {
  double bytes_read = 0, bytes_written = 0, flop = 0;
  double bytes() const { return bytes_read + bytes_written; }
};

// The cost of phase p (BenchPhase order) for one step described by m. Formulas in phase_model.cpp.
PhaseCost phase_cost(int p, const ModelInput& m);

// A device's ceilings (performance.md): bytes/s of memory and FLOP/s of the two arithmetic paths.
struct Limits {
  std::string name;             // "H100 SXM (performance.md)"
  double bandwidth = 0;         // B/s, measured device copy
  double fp32 = 0, tf32 = 0;    // FLOP/s, dense peaks
};
Limits h100_limits();
Limits h200_limits();
// The limits of a device named `device_name` (an H200 when the name says so, else the H100's).
Limits limits_for_device(const std::string& device_name);

// Floor time of a phase in ms: max(bytes / bandwidth, flop / peak) with peak = fp32 or tf32.
double floor_ms(const PhaseCost& c, const Limits& l, bool tf32);

}  // namespace myriad::bench
