// phase_model.cpp: the formulas of the cost model (phase_model.hpp). Each is the least a correct
// implementation must move or compute, never what the current kernels happen to do, so the ratio
// measured / floor is the gap left to close. Notation (per step):
//   N alive agents, C map cells, V view values (845), F features (32), K actions (21), d view bytes
//   (4 f32, 2 bf16), I = V + F + K network inputs (898), H1 = 128, H2 = 64,
//   MAC = I·H1 + H1·H2 + H2·K multiply-adds per network row (124,480), P = MAC + H1 + H2 + K params,
//   M transitions stored, B minibatch rows, U updates per step, T = 2·(2V + 4F + 2K) + 6 bytes per
//   stored transition (replay.hpp: bf16 views and means, float features and reward, u8 action, done).
//
//   phase        bytes read                      bytes written              FLOP
//   index        9N  (x, y, alive)               8N  (old cell cleared,     0
//                                                     new cell written)
//   mean_action  9N  (x, y, action)              4K·N (ā per agent)         4K·N (4 summed-area
//                                                                           terms + a scale per action)
//   observe      13N (x, y, hp, group) + 5C      N·(V·d + 4F)               0
//                (occupancy + wall, once each)
//   forward      N·(V·d + 4F + 4K) + 4P·nets     4K·N (Q values)            2·MAC·N
//   select       4K·N (Q values)                 N (actions)                8K·N (2 passes of
//                                                                           sub, mul, exp, add)
//   rules        19N (action, x, y, hp, alive,   18N (x, y, hp, reward,     4N
//                group, target cell)                 alive, died)
//   replay       M·(2·(V·d + 4F + 4K) + 6)       M·T                        0
//   update       U·(B·T + 24P)                   U·20P                      U·(2·B·MAC·(3 + [double Q])
//                (batch; θ, g, m, v; target)     (g; θ, m, v; target θ)      + 2·B·(H1·H2 + H2·K) + 15P)
// The update's FLOP: online forward on x, weight gradients of every layer (another 2·B·MAC), input
// gradients of layers 2 and 3 (layer 1's are not needed), the target forward on x′ (and the online
// forward on x′ for a greedy_double target), then gradient-norm clipping, Adam and the soft update
// (~15 FLOP per parameter). In forward and select, N is the alive agents that have a network (both
// teams in the bench's training step, whose opponent is a lagged copy of the learner's network).
// Bias adds and ReLUs (O(N·(H1 + H2))) are left out of every count.
#include "phase_model.hpp"

#include <algorithm>

namespace myriad::bench {

const char* bench_phase_name(int p) {
  static const char* const kNames[kBenchPhaseCount] = {"index",  "mean_action", "observe", "forward",
                                                      "select", "rules",       "replay",  "update"};
  return p >= 0 && p < kBenchPhaseCount ? kNames[p] : "?";
}

PhaseCost phase_cost(int p, const ModelInput& m) {
  const double N = m.alive, C = m.cells, V = m.view, F = m.features, K = m.actions, d = m.obs_bytes;
  const double H1 = m.hidden1, H2 = m.hidden2, MAC = m.macs_per_row(), P = m.params();
  const double T = 2 * (2 * V + 4 * F + 2 * K) + 6;
  const double Nn = m.net_alive >= 0 ? m.net_alive : N;  // forward and select rows
  PhaseCost c;
  switch (static_cast<BenchPhase>(p)) {
    case BenchPhase::kIndex:
      c = {9 * N, 8 * N, 0};
      break;
    case BenchPhase::kMeanAction:
      c = {9 * N, 4 * K * N, 4 * K * N};
      break;
    case BenchPhase::kObserve:
      c = {13 * N + 5 * C, N * (V * d + 4 * F), 0};
      break;
    case BenchPhase::kForward:
      c = {Nn * (V * d + 4 * F + 4 * K) + 4 * P * m.networks, 4 * K * Nn, 2 * MAC * Nn};
      break;
    case BenchPhase::kSelect:
      c = {4 * K * Nn, Nn, 8 * K * Nn};
      break;
    case BenchPhase::kRules:
      c = {19 * N, 18 * N, 4 * N};
      break;
    case BenchPhase::kReplay:
      c = {m.stored * (2 * (V * d + 4 * F + 4 * K) + 6), m.stored * T, 0};
      break;
    case BenchPhase::kUpdate: {
      const double B = m.batch, U = m.batch > 0 ? m.updates : 0.0;
      const double fwd_passes = 3 + (m.double_q ? 1 : 0);
      c = {U * (B * T + 24 * P), U * 20 * P, U * (2 * B * MAC * fwd_passes + 2 * B * (H1 * H2 + H2 * K) + 15 * P)};
      break;
    }
    case BenchPhase::kCount:
      break;
  }
  return c;
}

Limits h100_limits() { return {"H100 SXM (performance.md)", 3.0e12, 67e12, 495e12}; }
Limits h200_limits() { return {"H200 (performance.md: H100 compute, 4.8 TB/s)", 4.8e12, 67e12, 495e12}; }

Limits limits_for_device(const std::string& device_name) {
  return device_name.find("H200") != std::string::npos ? h200_limits() : h100_limits();
}

double floor_ms(const PhaseCost& c, const Limits& l, bool tf32) {
  const double peak = tf32 ? l.tf32 : l.fp32;
  const double t_mem = l.bandwidth > 0 ? c.bytes() / l.bandwidth : 0.0;
  const double t_flop = peak > 0 ? c.flop / peak : 0.0;
  return 1e3 * std::max(t_mem, t_flop);
}

}  // namespace myriad::bench
