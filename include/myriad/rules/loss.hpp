// rules/loss.hpp: the learners' losses as rules of their own, each the value and the gradient at a
// network's outputs for one batch row, one __host__ __device__ source for both backends (algorithms.md):
// the TD / value loss of a Q-network or critic, and the actor's policy-gradient loss with its entropy bonus.
#pragma once
#include <cmath>
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rules/fp.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {

// TD error y - Q(x, a) of one sample.
MYRIAD_HD float td_error(float q, float y) { return sub_rn(y, q); }

// The sample's share of the masked squared error sum: m * (y - q)^2 (divided by Σm later).
MYRIAD_HD float td_loss_term(float q, float y, float m) {
  const float e = td_error(q, y);
  return mul_rn(m, mul_rn(e, e));
}

// dL/dQ(x, a) of loss = Σ m (y - q)^2 / Σ m: -2 m (y - q) / Σm, with inv_denom = 1 / Σm.
MYRIAD_HD float td_grad(float q, float y, float m, float inv_denom) {
  return mul_rn(mul_rn(-2.0f, m), mul_rn(td_error(q, y), inv_denom));
}

// 1 / Σm of the masked mean (a zero mask sum gives 0: no loss, no gradient).
MYRIAD_HD float masked_mean_inverse(float mask_sum) { return mask_sum > 0.0f ? 1.0f / mask_sum : 0.0f; }

// The TD loss mean_b (y_b - Q(x_b, a_b))² (inv_denom = 1 / batch) at row b of q [batch][k]: the row's
// gradient into dz (zero but at a_b) and its squared error into terms[b]. An action outside [0, k)
// contributes nothing.
MYRIAD_HD void td_loss_row(int64_t b, int k, const float* q, const int* actions, const float* y, float inv_denom,
                           float* dz, float* terms) {
  float* d = dz + b * k;
  for (int j = 0; j < k; ++j) d[j] = 0.0f;
  const int a = actions[b];
  if (a < 0 || a >= k) {
    terms[b] = 0.0f;
    return;
  }
  const float qa = q[b * k + a];
  terms[b] = td_loss_term(qa, y[b], 1.0f);
  d[a] = td_grad(qa, y[b], 1.0f, inv_denom);
}

// The actor's loss of one sample (MF-AC, AC), over π = softmax(z) of its logits z and the critic's row
// Q(o, ·, ā) (a constant here: the critic is trained by its own TD loss), V = Σ_j π_j Q(o, j, ā),
// H = −Σ_j π_j log π_j, w = 1 / batch (the batch mean), in one of two forms:
//   sampled (algorithms.md): A = Q(o, a, ā) − V, the advantage of the stored action a,
//     L = w · (−A · log π_a − β · H),   dL/dz_j = w · (A · (π_j − [j = a]) + β · π_j · (log π_j + H));
//   expected: the same estimator's expectation over a ~ π (Allen et al.'s "mean actor-critic"), every
//     action's advantage weighted by its probability instead of the one action the replay holds,
//     L = w · (−Σ_j π_j Q_j − β · H),   dL/dz_j = w · (−π_j (Q_j − V) + β · π_j · (log π_j + H)).
// From a replay the sampled form keeps pushing down the logit of any stored action with A < 0 however
// unlikely π already makes it (the data are not π's), and its loss is unbounded below; the expected
// form's gradient vanishes as π settles. Writes the gradient row, the policy term (sampled: −A·log π_a;
// expected: −V) and H.
enum class ActorGradient : uint8_t { kExpected = 0, kSampled = 1 };

struct PolicyLossParams {
  int n_actions = 0;
  float entropy_coef = 0.01f;  // β
  float weight = 1.0f;         // w
  ActorGradient form = ActorGradient::kExpected;
};

MYRIAD_HD void policy_loss_row(const PolicyLossParams& p, int64_t b, const float* logits, const float* q,
                               const int* actions, float* dz, float* pg_terms, float* entropy) {
  const int k = p.n_actions;
  const float* z = logits + b * k;
  const float* qr = q + b * k;
  float* d = dz + b * k;
  const int a = actions[b];
  if (a < 0 || a >= k) {
    for (int j = 0; j < k; ++j) d[j] = 0.0f;
    pg_terms[b] = entropy[b] = 0.0f;
    return;
  }
  const float zmax = z[argmax(z, k)];
  float sum = 0.0f;
  for (int j = 0; j < k; ++j) sum = add_rn(sum, expf(sub_rn(z[j], zmax)));
  const float log_sum = logf(sum);
  float h = 0.0f, v = 0.0f;
  for (int j = 0; j < k; ++j) {
    const float lp = sub_rn(sub_rn(z[j], zmax), log_sum);
    const float pj = expf(lp);
    h = sub_rn(h, mul_rn(pj, lp));
    v = add_rn(v, mul_rn(pj, qr[j]));
  }
  const bool sampled = p.form == ActorGradient::kSampled;
  const float adv = sub_rn(qr[a], v);
  for (int j = 0; j < k; ++j) {
    const float lp = sub_rn(sub_rn(z[j], zmax), log_sum);
    const float pj = expf(lp);
    const float pg = sampled ? mul_rn(adv, j == a ? sub_rn(pj, 1.0f) : pj) : -mul_rn(pj, sub_rn(qr[j], v));
    const float ent = mul_rn(p.entropy_coef, mul_rn(pj, add_rn(lp, h)));
    d[j] = mul_rn(p.weight, add_rn(pg, ent));
  }
  pg_terms[b] = sampled ? mul_rn(-adv, sub_rn(sub_rn(z[a], zmax), log_sum)) : -v;
  entropy[b] = h;
}

}  // namespace myriad
