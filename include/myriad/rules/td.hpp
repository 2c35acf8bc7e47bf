// rules/td.hpp: TD targets (algorithms.md): y = r + γ(1−d)·v(o′, ā′) with the Boltzmann expectation of
// the target network (MF-Q), greedy double-Q (IQL, optionally MF-Q and the critics) or the target actor's
// expectation Σ_a π⁻(a|o′)·Q⁻(o′,a,ā′) (MF-AC, AC); one __host__ __device__ source for both backends.
#pragma once
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {

enum class TargetKind : uint8_t { kBoltzmann = 0, kGreedyDouble = 1, kPolicy = 2 };

struct TdParams {
  TargetKind kind = TargetKind::kBoltzmann;
  int n_actions = 0;
  float gamma = 0.95f;
  float temperature = 0.1f;  // T_tgt of the Boltzmann value
};

// v(o′) from the target network's row q_tgt and a second row q_on: the online network's Q for greedy
// double-Q, the target actor's logits for kPolicy (π⁻ = softmax of the logits), unused for kBoltzmann.
MYRIAD_HD float td_next_value(const TdParams& p, const float* q_tgt, const float* q_on) {
  if (p.kind == TargetKind::kGreedyDouble) return q_tgt[argmax(q_on, p.n_actions)];
  if (p.kind == TargetKind::kPolicy) return boltzmann_value(q_on, q_tgt, p.n_actions, 1.0f);
  return boltzmann_value(q_tgt, q_tgt, p.n_actions, p.temperature);
}

// y = r + γ(1−d)·v; a terminal sample (d = 1) ignores v entirely (even a non-finite one).
MYRIAD_HD float td_target(const TdParams& p, float reward, float done, const float* q_tgt, const float* q_on) {
  if (done != 0.0f) return reward;
  return add_rn(reward, mul_rn(p.gamma, td_next_value(p, q_tgt, q_on)));
}

// Sample b of a batch: rows of q_tgt / q_on have n_actions floats (q_on may be null for kBoltzmann).
MYRIAD_HD void td_target_row(const TdParams& p, int64_t b, const float* reward, const float* done, const float* q_tgt,
                             const float* q_on, float* y) {
  const int64_t k = p.n_actions;
  y[b] = td_target(p, reward[b], done[b], q_tgt + b * k, q_on != nullptr ? q_on + b * k : nullptr);
}

}  // namespace myriad
