// cpu_network.cpp: the CPU reference of the Q-network: the dense-layer products of dense_ops.hpp
// (OpenBLAS SGEMM or OpenMP loops) around the shared element-wise rules; sums of the loss, mask and
// gradient norm in double, like the CUDA backend.
#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "myriad/dense_ops.hpp"
#include "myriad/network.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {

namespace {

size_t max_layer_weights(const MlpShape& s) {
  size_t n = 0;
  for (int l = 0; l < s.layers(); ++l)
    n = std::max(n, static_cast<size_t>(s.in_dim(l)) * static_cast<size_t>(s.out_dim(l)));
  return n;
}

class CpuQNetwork final : public QNetwork {
 public:
  CpuQNetwork(const MlpShape& shape, uint64_t seed)
      : QNetwork(shape),
        p_(init_mlp_params(shape, seed)),
        g_(p_.size(), 0.0f),
        m_(p_.size(), 0.0f),
        v_(p_.size(), 0.0f),
        act_(static_cast<size_t>(shape.layers())),
        wt_(max_layer_weights(shape)) {}

  bool on_device() const override { return false; }
  void prepare(int forward_rows, int batch) override {
    reserve(std::max(forward_rows, batch));
    rows_.resize(static_cast<size_t>(std::max(forward_rows, 0)) * static_cast<size_t>(shape().inputs));
  }

  void forward(const float* x, int batch, float* q) override {
    if (batch <= 0) return;
    reserve(batch);
    const MlpShape& s = shape();
    const float* in = x;
    for (int l = 0; l < s.layers(); ++l) {
      const bool last = l == s.layers() - 1;
      float* out = last ? q : act_[static_cast<size_t>(l + 1)].data();
      dense::forward(in, batch, s.in_dim(l), p_.data() + layout_.weight_offset(l),
                    p_.data() + layout_.bias_offset(l), s.out_dim(l), !last, out, wt_.data());
      in = out;
    }
  }

  float backward_td(const float* x, int batch, const int* actions, const float* targets,
                    const float* mask) override {
    if (batch <= 0) return 0.0f;
    reserve(batch);
    const MlpShape& s = shape();
    const int k = s.outputs;
    forward(x, batch, q_.data());
    double mask_sum = 0.0;
    for (int b = 0; b < batch; ++b) mask_sum += mask ? mask[b] : 1.0f;
    const float inv_denom = masked_mean_inverse(static_cast<float>(mask_sum));
    double loss_sum = 0.0;
    std::fill(dz_.begin(), dz_.begin() + static_cast<ptrdiff_t>(batch) * k, 0.0f);
    for (int b = 0; b < batch; ++b) {
      const int a = actions[b];
      if (a < 0 || a >= k) throw std::out_of_range("backward_td: action out of range");
      const float m = mask ? mask[b] : 1.0f;
      const float qa = q_[static_cast<size_t>(b) * k + a];
      loss_sum += td_loss_term(qa, targets[b], m);
      dz_[static_cast<size_t>(b) * k + a] = td_grad(qa, targets[b], m, inv_denom);
    }
    if (inv_denom == 0.0f) return 0.0f;
    for (int l = s.layers() - 1; l >= 0; --l) {
      const float* a_in = l == 0 ? x : act_[static_cast<size_t>(l)].data();
      dense::weight_grad(dz_.data(), a_in, batch, s.in_dim(l), s.out_dim(l), g_.data() + layout_.weight_offset(l),
                        g_.data() + layout_.bias_offset(l));
      if (l > 0) {
        dense::input_grad(dz_.data(), batch, s.out_dim(l), p_.data() + layout_.weight_offset(l), s.in_dim(l), a_in,
                         da_.data());
        std::swap(dz_, da_);
      }
    }
    return static_cast<float>(loss_sum * static_cast<double>(inv_denom));
  }

  void adam_step() override {
    double sq = 0.0;
    for (float g : g_) sq += static_cast<double>(g) * g;
    last_grad_norm_ = static_cast<float>(std::sqrt(sq));
    const float scale = clip_scale(static_cast<float>(sq), adam_.clip_norm);
    const AdamScalars s = next_adam_scalars();
    const int64_t n = static_cast<int64_t>(p_.size());
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < n; ++j) {
      adam_update(p_[static_cast<size_t>(j)], m_[static_cast<size_t>(j)], v_[static_cast<size_t>(j)],
                  g_[static_cast<size_t>(j)], scale, s);
    }
    zero_grad();
  }

  void zero_grad() override { std::fill(g_.begin(), g_.end(), 0.0f); }

  void soft_update_from(const QNetwork& online, float tau) override {
    check_same_shape(online);
    const auto& o = static_cast<const CpuQNetwork&>(online).p_;
    for (size_t j = 0; j < p_.size(); ++j) p_[j] = soft_update(p_[j], o[j], tau);
  }
  void copy_from(const QNetwork& online) override {
    check_same_shape(online);
    p_ = static_cast<const CpuQNetwork&>(online).p_;
  }

  std::vector<float> params() const override { return p_; }
  void set_params(const std::vector<float>& p) override {
    check_params_size(p.size());
    p_ = p;
  }
  std::vector<float> grad() const override { return g_; }
  std::vector<float> adam_m() const override { return m_; }
  std::vector<float> adam_v() const override { return v_; }
  void set_adam_state(const std::vector<float>& m, const std::vector<float>& v, int64_t step) override {
    check_params_size(m.size());
    check_params_size(v.size());
    m_ = m;
    v_ = v;
    step_ = step;
  }
  float last_grad_norm() const override { return last_grad_norm_; }

  // The twin of the CUDA split product: the rows assembled by the shared rule, then forward (the
  // same bits as net_input + forward).
  void forward_inputs(const NetInputSource& s, int64_t first_id, int rows, float* q) override {
    if (rows <= 0) return;
    if (s.width() != shape().inputs)
      throw std::invalid_argument("QNetwork::forward_inputs: rows of " + std::to_string(s.width()) + " inputs, the network takes " +
                                  std::to_string(shape().inputs));
    const int64_t w = s.width();
    if (rows_.size() < static_cast<size_t>(rows) * static_cast<size_t>(w))
      rows_.resize(static_cast<size_t>(rows) * static_cast<size_t>(w));
    const NetInputDest d = row_dest(rows_.data(), s);
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < w; ++c) net_input_element(s, first_id, nullptr, r, c, d);
    forward(rows_.data(), rows, q);
  }

  std::vector<float> forward_host(const std::vector<float>& x, int batch) override {
    check_batch(x.size(), batch);
    std::vector<float> q(static_cast<size_t>(batch) * static_cast<size_t>(shape().outputs));
    forward(x.data(), batch, q.data());
    return q;
  }
  float backward_td_host(const std::vector<float>& x, int batch, const std::vector<int>& actions,
                         const std::vector<float>& targets, const std::vector<float>& mask) override {
    check_batch(x.size(), batch);
    if (actions.size() < static_cast<size_t>(batch) || targets.size() < static_cast<size_t>(batch) ||
        (!mask.empty() && mask.size() < static_cast<size_t>(batch)))
      throw std::invalid_argument("backward_td_host: actions, targets or mask shorter than the batch");
    return backward_td(x.data(), batch, actions.data(), targets.data(), mask.empty() ? nullptr : mask.data());
  }

 private:
  void check_batch(size_t x_size, int batch) const {
    if (batch < 0 || x_size < static_cast<size_t>(batch) * static_cast<size_t>(shape().inputs))
      throw std::invalid_argument("QNetwork: x holds fewer than batch × inputs values");
  }
  void reserve(int batch) {
    if (batch <= capacity_) return;
    const MlpShape& s = shape();
    const size_t nb = static_cast<size_t>(batch);
    for (int l = 1; l < s.layers(); ++l) act_[static_cast<size_t>(l)].resize(nb * static_cast<size_t>(s.in_dim(l)));
    q_.resize(nb * static_cast<size_t>(s.outputs));
    dz_.resize(nb * static_cast<size_t>(s.max_width()));
    da_.resize(nb * static_cast<size_t>(s.max_width()));
    capacity_ = batch;
  }

  std::vector<float> p_, g_, m_, v_;
  std::vector<std::vector<float>> act_;  // act_[l]: input of layer l >= 1 (a ReLU output)
  std::vector<float> q_, dz_, da_;       // backward scratch
  std::vector<float> wt_;                // forward scratch: one layer's weights transposed
  std::vector<float> rows_;              // forward_inputs scratch: the assembled rows
  int capacity_ = 0;
  float last_grad_norm_ = 0.0f;
};

}  // namespace

std::unique_ptr<QNetwork> make_cpu_qnetwork(const MlpShape& shape, uint64_t seed) {
  return std::make_unique<CpuQNetwork>(shape, seed);
}

const char* net_math_name(NetMath m) { return m == NetMath::kTf32 ? "tf32" : "fp32"; }

NetMath parse_net_math(const std::string& s) {
  if (s == "fp32") return NetMath::kFp32;
  if (s == "tf32") return NetMath::kTf32;
  throw std::invalid_argument("network math '" + s + "': valid are fp32 and tf32");
}

std::unique_ptr<QNetwork> make_qnetwork(Backend& backend, const MlpShape& shape, uint64_t seed, NetMath math) {
  if (backend.on_device()) return make_cuda_qnetwork(backend, shape, seed, math);
  return make_cpu_qnetwork(shape, seed);
}

}  // namespace myriad
