// loss_host.hpp (tests): the TD loss of a batch on a network with host vectors, built the way the
// learners build it: forward, the loss rule's gradient at Q (a masked mean), backward.
#pragma once
#include <stdexcept>
#include <vector>

#include "myriad/network.hpp"
#include "myriad/rules/loss.hpp"

namespace myriad {

// loss = Σ_b m_b (y_b − Q(x_b, a_b))² / Σ_b m_b (mask empty: all ones; Σm = 0: loss 0, no gradient),
// its gradient accumulated into net's. Returns the loss.
inline float td_backward_host(Network& net, const std::vector<float>& x, int batch, const std::vector<int>& actions,
                              const std::vector<float>& targets, const std::vector<float>& mask) {
  const int k = net.shape().outputs;
  const std::vector<float> q = net.forward_host(x, batch);
  double mask_sum = 0.0;
  for (int b = 0; b < batch; ++b) mask_sum += mask.empty() ? 1.0f : mask[static_cast<size_t>(b)];
  const float inv = masked_mean_inverse(static_cast<float>(mask_sum));
  std::vector<float> dz(q.size(), 0.0f);
  double loss = 0.0;
  for (int b = 0; b < batch; ++b) {
    const int a = actions[static_cast<size_t>(b)];
    if (a < 0 || a >= k) throw std::out_of_range("td_backward_host: action out of range");
    const float m = mask.empty() ? 1.0f : mask[static_cast<size_t>(b)];
    const float qa = q[static_cast<size_t>(b) * k + a];
    loss += td_loss_term(qa, targets[static_cast<size_t>(b)], m);
    dz[static_cast<size_t>(b) * k + a] = td_grad(qa, targets[static_cast<size_t>(b)], m, inv);
  }
  if (inv == 0.0f) return 0.0f;
  net.forward_backward_host(x, batch, dz);
  return static_cast<float>(loss * static_cast<double>(inv));
}

}  // namespace myriad
