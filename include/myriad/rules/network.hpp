// rules/network.hpp: element-wise rules of the shared networks (bias+ReLU, ReLU backward, Adam, clipping,
// soft update, argmax, softmax, Boltzmann value), one source for both backends. The losses: rules/loss.hpp.
#pragma once
#include <cmath>
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rng.hpp"
#include "myriad/rules/fp.hpp"

namespace myriad {

// Products and sums go through mul_rn/add_rn (rules/fp.hpp) so that nvcc cannot contract them into an
// FMA that g++ would round differently: the element-wise part is bit-identical given identical inputs.

// Stream of the weight initialisation draws (counter = parameter index, step 0).
constexpr Stream kNetworkInitStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 1);


// He-uniform weight number `index` of a layer with fan-in `fan_in`: U(-limit, limit),
// limit = sqrt(6 / fan_in) (computed by the caller on the host). 24 random bits, exact in float.
MYRIAD_HD float he_uniform_weight(uint64_t seed, uint32_t index, float limit) {
  const uint32_t u = draw_u32(seed, index, 0, kNetworkInitStream) >> 8;  // [0, 2^24)
  const float unit = static_cast<float>(u) * (1.0f / 16777216.0f);      // [0, 1), exact
  return mul_rn(sub_rn(mul_rn(2.0f, unit), 1.0f), limit);
}

// Forward: z + b, then ReLU on hidden layers (identity on the output layer).
MYRIAD_HD float bias_activation(float z, float b, bool relu) {
  const float v = add_rn(z, b);
  return (relu && !(v > 0.0f)) ? 0.0f : v;
}

// Backward through ReLU: the upstream gradient where the unit was active (activation > 0), else 0.
MYRIAD_HD float relu_backward(float grad, float activation) { return activation > 0.0f ? grad : 0.0f; }

// Gradient scale of clipping by global norm: min(1, clip / ||g||) (clip <= 0 disables clipping).
MYRIAD_HD float clip_scale(float grad_sq_norm, float clip_norm) {
  if (!(clip_norm > 0.0f)) return 1.0f;
  const float norm = sqrtf(grad_sq_norm);
  return norm > clip_norm ? clip_norm / norm : 1.0f;
}

// The per-step scalars of Adam; corr1 = 1 / (1 - beta1^t), corr2 = 1 / (1 - beta2^t) (host-computed).
struct AdamScalars {
  float lr, beta1, beta2, eps, corr1, corr2;
};

// Adam with bias correction on one parameter p with moments m, v; g is the raw gradient and
// scale the clipping factor.
MYRIAD_HD void adam_update(float& p, float& m, float& v, float g, float scale, const AdamScalars& s) {
  const float gs = mul_rn(g, scale);
  m = add_rn(mul_rn(s.beta1, m), mul_rn(sub_rn(1.0f, s.beta1), gs));
  v = add_rn(mul_rn(s.beta2, v), mul_rn(mul_rn(sub_rn(1.0f, s.beta2), gs), gs));
  const float m_hat = mul_rn(m, s.corr1);
  const float v_hat = mul_rn(v, s.corr2);
  const float step = mul_rn(s.lr, m_hat) / add_rn(sqrtf(v_hat), s.eps);
  p = sub_rn(p, step);
}

// Target network: θ⁻ ← θ⁻ + τ (θ - θ⁻).
MYRIAD_HD float soft_update(float target, float online, float tau) {
  return add_rn(target, mul_rn(tau, sub_rn(online, target)));
}

// Index of the largest of q[0..k) (the lowest index on ties; NaN never wins).
MYRIAD_HD int argmax(const float* q, int k) {
  int best = 0;
  for (int a = 1; a < k; ++a)
    if (q[a] > q[best]) best = a;
  return best;
}

// Softmax of q / temperature with the maximum subtracted first; writes k probabilities to p.
MYRIAD_HD void softmax(const float* q, int k, float temperature, float* p) {
  const float inv_t = 1.0f / temperature;
  const float qmax = q[argmax(q, k)];
  float sum = 0.0f;
  for (int a = 0; a < k; ++a) {
    p[a] = expf(mul_rn(sub_rn(q[a], qmax), inv_t));
    sum = add_rn(sum, p[a]);
  }
  const float inv_sum = 1.0f / sum;
  for (int a = 0; a < k; ++a) p[a] = mul_rn(p[a], inv_sum);
}

// Boltzmann expectation v = Σ_a softmax(q_pi / T)_a · q_v[a] (q_pi and q_v may be the same row:
// MF-Q's target uses the target network's own Q for both). No scratch: two passes over k.
MYRIAD_HD float boltzmann_value(const float* q_pi, const float* q_v, int k, float temperature) {
  const float inv_t = 1.0f / temperature;
  const float qmax = q_pi[argmax(q_pi, k)];
  float sum = 0.0f, weighted = 0.0f;
  for (int a = 0; a < k; ++a) {
    const float w = expf(mul_rn(sub_rn(q_pi[a], qmax), inv_t));
    sum = add_rn(sum, w);
    weighted = add_rn(weighted, mul_rn(w, q_v[a]));
  }
  return weighted / sum;
}

}  // namespace myriad
