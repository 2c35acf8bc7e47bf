// rules/mixer.hpp: the value mixers of VDN, QMIX and MFQMIX (algorithms.md) over a sampled batch of
// mixing groups, one __host__ __device__ source for both backends.
//
// A batch is `windows` windows of `window` consecutive replay rows. A window splits into groups where a
// row starts one (the replay's group-start flag: the first row of a step's team, or of a map tile in a
// step's rows sorted by tile) and at its first row; a group is the set its value mixes: a whole team of
// one step, or the agents of one tile. Rows carry done d: 0 bootstrap, 1 terminal (the agent died or its
// team was eliminated), 2 absent (the agent was not alive at the step's start, or not learning): absent
// rows take no part; only rows with d = 0 take part at t+1.
//
// Mixers of a group G of agents' values q_i:
//  - sum (VDN): Q_tot = Σ_i q_i.
//  - monotone (QMIX, MFQMIX): each row's hypernetwork output h_i = [w1 (E) | b1 (E) | w2 (E) | v] (from
//    the agent's own input, so that any group size mixes); the state is the group's mean of those
//    embeddings: z_e = Σ_i q_i·|w1_ie| + mean_i b1_ie, Q_tot = Σ_e ELU(z_e)·|mean_i w2_ie| + mean_i v_i.
//    Non-negative weights and a monotone activation make Q_tot non-decreasing in every q_i, so each
//    agent's greedy action is the group's.
// Targets: y_G = Σ_{i∈G} r_i + γ·Q⁻_tot(G′), G′ the rows of G with d = 0 valued at o′ (0 when none is).
// Loss: per window the mean over its groups of (Q_tot − y)², averaged over windows.
#pragma once
#include <cmath>
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rules/td.hpp"

namespace myriad {

enum class MixerKind : uint8_t { kSum, kMonotone };

inline constexpr int kMaxMixerEmbed = 64;
inline constexpr float kAbsentRow = 2.0f;  // d of a row that takes no part

MYRIAD_HD constexpr int mixer_hyper_outputs(int embed) { return 3 * embed + 1; }

struct MixerParams {
  MixerKind kind = MixerKind::kSum;
  int embed = 32;        // E (monotone)
  int64_t window = 1;    // rows per window
  int n_actions = 0;     // K: the agent network's outputs per row
  float gamma = 0.95f;
  TdParams td;           // v(o′) of one agent (td_next_value)
};

MYRIAD_HD float mixer_abs(float x) { return x < 0.0f ? -x : x; }
MYRIAD_HD float mixer_sign(float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : 0.0f; }
MYRIAD_HD float mixer_elu(float z) { return z > 0.0f ? z : expm1f(z); }
MYRIAD_HD float mixer_elu_grad(float z) { return z > 0.0f ? 1.0f : expf(z); }

// The end of the group that starts at row r0 of the window ending at `end`.
MYRIAD_HD int64_t mixer_group_end(int64_t r0, int64_t end, const uint8_t* start) {
  int64_t r1 = r0 + 1;
  while (r1 < end && start[r1] == 0) ++r1;
  return r1;
}

// The monotone mixer's forward over rows [r0, r1) that take part (in(r)), values q(r), hypernetwork rows
// h [row][3E+1]: fills z [E], w2 [E] (the mean w2 before |·|) and returns Q_tot and the count m in *m.
template <typename In, typename Q>
MYRIAD_HD float monotone_forward(int embed, int64_t r0, int64_t r1, In in, Q q, const float* h, float* z, float* w2,
                                 float* v, int* m) {
  const int E = embed, H = mixer_hyper_outputs(embed);
  int n = 0;
  for (int e = 0; e < E; ++e) z[e] = w2[e] = 0.0f;
  float vs = 0.0f, zq[kMaxMixerEmbed];
  for (int e = 0; e < E; ++e) zq[e] = 0.0f;
  for (int64_t r = r0; r < r1; ++r) {
    if (!in(r)) continue;
    ++n;
    const float* hr = h + r * H;
    const float qr = q(r);
    for (int e = 0; e < E; ++e) {
      zq[e] += qr * mixer_abs(hr[e]);
      z[e] += hr[E + e];
      w2[e] += hr[2 * E + e];
    }
    vs += hr[3 * E];
  }
  *m = n;
  if (n == 0) return 0.0f;
  const float inv = 1.0f / static_cast<float>(n);
  float out = vs * inv;
  for (int e = 0; e < E; ++e) {
    z[e] = zq[e] + z[e] * inv;
    w2[e] *= inv;
    out += mixer_elu(z[e]) * mixer_abs(w2[e]);
  }
  *v = vs * inv;
  return out;
}

// The value of one agent's next state, as the Q-learners' targets take it.
MYRIAD_HD float mixer_next_value(const MixerParams& p, int64_t r, const float* q_tgt, const float* q_on) {
  const int64_t K = p.n_actions;
  return td_next_value(p.td, q_tgt + r * K, q_on != nullptr ? q_on + r * K : nullptr);
}

// Window w of the target pass: y[r0] = Σ_{i∈G} r_i + γ·Q⁻_tot(G′) at each group's first row r0.
// q_tgt, q_on: the target (and, for double-Q, online) network's rows at o′; h_next: the target
// hypernetwork's rows at o′ (monotone only).
MYRIAD_HD void mixer_target_window(const MixerParams& p, int64_t w, const float* reward, const float* done,
                                          const uint8_t* start, const float* q_tgt, const float* q_on,
                                          const float* h_next, float* y) {
  const int64_t begin = w * p.window, end = begin + p.window;
  for (int64_t r0 = begin; r0 < end;) {
    const int64_t r1 = mixer_group_end(r0, end, start);
    float R = 0.0f;
    for (int64_t r = r0; r < r1; ++r)
      if (done[r] != kAbsentRow) R += reward[r];
    auto next_in = [&](int64_t r) { return done[r] == 0.0f; };
    auto next_q = [&](int64_t r) { return mixer_next_value(p, r, q_tgt, q_on); };
    float next = 0.0f;
    if (p.kind == MixerKind::kSum) {
      for (int64_t r = r0; r < r1; ++r)
        if (next_in(r)) next += next_q(r);
    } else {
      float z[kMaxMixerEmbed], w2[kMaxMixerEmbed], v;
      int m = 0;
      next = monotone_forward(p.embed, r0, r1, next_in, next_q, h_next, z, w2, &v, &m);
    }
    y[r0] = R + p.gamma * next;
    r0 = r1;
  }
}

// Window w of the loss pass: Q_tot of each group from q (the online network's rows at o, the stored
// action's value) and h (the online hypernetwork's rows), the loss's gradient at q (dq [row][K], the
// action's column) and at h (dh [row][3E+1], monotone only), and terms[w] = the window's mean squared
// TD error. inv_windows = 1 / windows (the loss is a mean over windows).
MYRIAD_HD void mixer_loss_window(const MixerParams& p, int64_t w, const float* done, const uint8_t* start,
                                        const float* q, const int* actions, const float* h, const float* y,
                                        float inv_windows, float* dq, float* dh, float* terms) {
  const int64_t begin = w * p.window, end = begin + p.window, K = p.n_actions;
  const int E = p.embed, H = mixer_hyper_outputs(p.embed);
  auto in = [&](int64_t r) { return done[r] != kAbsentRow; };
  auto qa = [&](int64_t r) { return q[r * K + actions[r]]; };
  for (int64_t r = begin; r < end; ++r) {
    for (int64_t k = 0; k < K; ++k) dq[r * K + k] = 0.0f;
    if (p.kind == MixerKind::kMonotone)
      for (int e = 0; e < H; ++e) dh[r * H + e] = 0.0f;
  }
  int groups = 0;  // groups with a row that takes part
  for (int64_t r0 = begin; r0 < end;) {
    const int64_t r1 = mixer_group_end(r0, end, start);
    for (int64_t r = r0; r < r1; ++r)
      if (in(r)) {
        ++groups;
        break;
      }
    r0 = r1;
  }
  float sq = 0.0f;
  if (groups == 0) {
    terms[w] = 0.0f;
    return;
  }
  const float scale = 2.0f * inv_windows / static_cast<float>(groups);
  for (int64_t r0 = begin; r0 < end;) {
    const int64_t r1 = mixer_group_end(r0, end, start);
    if (p.kind == MixerKind::kSum) {
      float qt = 0.0f;
      bool any = false;
      for (int64_t r = r0; r < r1; ++r)
        if (in(r)) {
          qt += qa(r);
          any = true;
        }
      if (any) {
        const float err = qt - y[r0], d = scale * err;
        sq += err * err;
        for (int64_t r = r0; r < r1; ++r)
          if (in(r)) dq[r * K + actions[r]] = d;
      }
    } else {
      float z[kMaxMixerEmbed], w2[kMaxMixerEmbed], v;
      int m = 0;
      const float qt = monotone_forward(E, r0, r1, in, qa, h, z, w2, &v, &m);
      if (m > 0) {
        const float err = qt - y[r0], d = scale * err, inv_m = 1.0f / static_cast<float>(m);
        sq += err * err;
        float dz[kMaxMixerEmbed], dw2[kMaxMixerEmbed];
        for (int e = 0; e < E; ++e) {
          dw2[e] = d * mixer_elu(z[e]) * mixer_sign(w2[e]);
          dz[e] = d * mixer_abs(w2[e]) * mixer_elu_grad(z[e]);
        }
        for (int64_t r = r0; r < r1; ++r) {
          if (!in(r)) continue;
          const float* hr = h + r * H;
          float* g = dh + r * H;
          const float qr = qa(r);
          float dqr = 0.0f;
          for (int e = 0; e < E; ++e) {
            dqr += dz[e] * mixer_abs(hr[e]);
            g[e] = dz[e] * qr * mixer_sign(hr[e]);
            g[E + e] = dz[e] * inv_m;
            g[2 * E + e] = dw2[e] * inv_m;
          }
          g[3 * E] = d * inv_m;
          dq[r * K + actions[r]] = dqr;
        }
      }
    }
    r0 = r1;
  }
  terms[w] = sq / static_cast<float>(groups);
}

}  // namespace myriad
