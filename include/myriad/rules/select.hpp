// rules/select.hpp: per-agent action selection from a row of Q-values (greedy, Boltzmann, ε-greedy),
// one __host__ __device__ source for the CPU loop and the CUDA kernel (MF-Q behaviour policy).
#pragma once
#include <cmath>
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rng.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {

// Streams of the selection draws (counter = (agent id, step, stream, 0)).
constexpr Stream kBoltzmannStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 2);
constexpr Stream kEpsilonCoinStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 3);
constexpr Stream kEpsilonActionStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 4);

// A 32-bit draw as a float in [0, 1): the top 24 bits times 2^-24 (exact, identical on both backends).
MYRIAD_HD float unit_float(uint32_t u) { return static_cast<float>(u >> 8) * (1.0f / 16777216.0f); }

enum class SelectMode : uint8_t { kGreedy = 0, kBoltzmann = 1, kEpsilonGreedy = 2 };

struct SelectParams {
  SelectMode mode = SelectMode::kGreedy;
  int n_actions = 0;        // K (at most 256: actions are uint8)
  int stride = 0;           // floats between consecutive rows of q (>= n_actions)
  float temperature = 1.0f;  // Boltzmann T > 0
  float epsilon = 0.0f;      // ε-greedy exploration probability in [0, 1]
  uint64_t seed = 0;
  uint32_t step = 0;
};

// Greedy: argmax of row i (the lowest index on ties; NaN never wins).
MYRIAD_HD void select_greedy(int64_t i, const float* q, int stride, int k, uint8_t* action) {
  action[i] = static_cast<uint8_t>(argmax(q + i * static_cast<int64_t>(stride), k));
}

// Boltzmann: a ~ softmax(q_i / T) by inverse CDF with one uniform u = unit_float(draw) of
// (seed, id, step, kBoltzmannStream). Weights exp((q - max) / T) (the max weighs exactly 1), no scratch:
// one pass for the sum, one for the CDF walk, in the same order, so the walk's total equals the sum.
// Host and device agree up to expf ulps, so the sampled action differs between backends only when
// u · sum lands within a few ulp of a CDF boundary (rare; the parity test counts such cases).
MYRIAD_HD void select_boltzmann(int64_t i, uint32_t id, const float* q, int stride, int k, float temperature,
                                uint64_t seed, uint32_t step, uint8_t* action) {
  const float* row = q + i * static_cast<int64_t>(stride);
  const float inv_t = 1.0f / temperature;
  const float qmax = row[argmax(row, k)];
  float sum = 0.0f;
  for (int a = 0; a < k; ++a) sum = add_rn(sum, expf(mul_rn(sub_rn(row[a], qmax), inv_t)));
  const float target = mul_rn(unit_float(draw_u32(seed, id, step, kBoltzmannStream)), sum);
  float cdf = 0.0f;
  int last_positive = 0;
  for (int a = 0; a < k; ++a) {
    const float w = expf(mul_rn(sub_rn(row[a], qmax), inv_t));
    if (!(w > 0.0f)) continue;
    last_positive = a;
    cdf = add_rn(cdf, w);
    if (target < cdf) {
      action[i] = static_cast<uint8_t>(a);
      return;
    }
  }
  action[i] = static_cast<uint8_t>(last_positive);  // u · sum rounded up to sum
}

// ε-greedy: one coin per agent (kEpsilonCoinStream): u < ε takes a uniform action
// (kEpsilonActionStream, multiply-high), else the greedy one. ε = 0 is greedy, ε = 1 uniform.
MYRIAD_HD void select_epsilon_greedy(int64_t i, uint32_t id, const float* q, int stride, int k, float epsilon,
                                     uint64_t seed, uint32_t step, uint8_t* action) {
  if (unit_float(draw_u32(seed, id, step, kEpsilonCoinStream)) < epsilon) {
    action[i] = static_cast<uint8_t>(draw_below(seed, id, step, kEpsilonActionStream, static_cast<uint32_t>(k)));
    return;
  }
  select_greedy(i, q, stride, k, action);
}

// The mode's rule for row i; id = ids[i], or i when ids is nullptr (the draws' counter).
MYRIAD_HD void select_action(int64_t i, const uint32_t* ids, const float* q, const SelectParams& p,
                             uint8_t* action) {
  const uint32_t id = ids != nullptr ? ids[i] : static_cast<uint32_t>(i);
  switch (p.mode) {
    case SelectMode::kBoltzmann:
      select_boltzmann(i, id, q, p.stride, p.n_actions, p.temperature, p.seed, p.step, action);
      break;
    case SelectMode::kEpsilonGreedy:
      select_epsilon_greedy(i, id, q, p.stride, p.n_actions, p.epsilon, p.seed, p.step, action);
      break;
    default:
      select_greedy(i, q, p.stride, p.n_actions, action);
  }
}

}  // namespace myriad
