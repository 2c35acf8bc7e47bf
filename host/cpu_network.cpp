// cpu_network.cpp: the CPU reference of the network: the dense-layer products of dense_ops.hpp
// (OpenBLAS SGEMM or OpenMP loops) around the shared element-wise rules; the gradient norm summed in
// double, like the CUDA backend.
#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "myriad/dense_ops.hpp"
#include "myriad/network.hpp"
#include "myriad/printable.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {

namespace {

size_t max_layer_weights(const MlpShape& s) {
  size_t n = 0;
  for (int l = 0; l < s.layers(); ++l)
    n = std::max(n, static_cast<size_t>(s.in_dim(l)) * static_cast<size_t>(s.out_dim(l)));
  return n;
}

class CpuNetwork final : public Network {
 public:
  CpuNetwork(const MlpShape& shape, uint64_t seed)
      : Network(shape),
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

  void backward(const float* x, int batch, const float* d_out) override {
    if (batch <= 0) return;
    reserve(batch);
    const MlpShape& s = shape();
    const float* dz = d_out;  // the gradient at layer l's output; then the scratch dz_
    for (int l = s.layers() - 1; l >= 0; --l) {
      const float* a_in = l == 0 ? x : act_[static_cast<size_t>(l)].data();
      dense::weight_grad(dz, a_in, batch, s.in_dim(l), s.out_dim(l), g_.data() + layout_.weight_offset(l),
                        g_.data() + layout_.bias_offset(l));
      if (l > 0) {
        dense::input_grad(dz, batch, s.out_dim(l), p_.data() + layout_.weight_offset(l), s.in_dim(l), a_in,
                         da_.data());
        std::swap(dz_, da_);
        dz = dz_.data();
      }
    }
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

  void soft_update_from(const Network& online, float tau) override {
    check_same_shape(online);
    const auto& o = static_cast<const CpuNetwork&>(online).p_;
    for (size_t j = 0; j < p_.size(); ++j) p_[j] = soft_update(p_[j], o[j], tau);
  }
  void copy_from(const Network& online) override {
    check_same_shape(online);
    p_ = static_cast<const CpuNetwork&>(online).p_;
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
      throw std::invalid_argument("Network::forward_inputs: rows of " + std::to_string(s.width()) + " inputs, the network takes " +
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
  void forward_backward_host(const std::vector<float>& x, int batch, const std::vector<float>& d_out) override {
    check_batch(x.size(), batch);
    const size_t nq = static_cast<size_t>(batch) * static_cast<size_t>(shape().outputs);
    if (d_out.size() < nq) throw std::invalid_argument("forward_backward_host: d_out holds fewer than batch × outputs values");
    std::vector<float> q(nq);
    forward(x.data(), batch, q.data());
    backward(x.data(), batch, d_out.data());
  }

 private:
  void check_batch(size_t x_size, int batch) const {
    if (batch < 0 || x_size < static_cast<size_t>(batch) * static_cast<size_t>(shape().inputs))
      throw std::invalid_argument("Network: x holds fewer than batch × inputs values");
  }
  void reserve(int batch) {
    if (batch <= capacity_) return;
    const MlpShape& s = shape();
    const size_t nb = static_cast<size_t>(batch);
    for (int l = 1; l < s.layers(); ++l) act_[static_cast<size_t>(l)].resize(nb * static_cast<size_t>(s.in_dim(l)));
    dz_.resize(nb * static_cast<size_t>(s.max_width()));
    da_.resize(nb * static_cast<size_t>(s.max_width()));
    capacity_ = batch;
  }

  std::vector<float> p_, g_, m_, v_;
  std::vector<std::vector<float>> act_;  // act_[l]: input of layer l >= 1 (a ReLU output)
  std::vector<float> dz_, da_;           // backward scratch
  std::vector<float> wt_;                // forward scratch: one layer's weights transposed
  std::vector<float> rows_;              // forward_inputs scratch: the assembled rows
  int capacity_ = 0;
  float last_grad_norm_ = 0.0f;
};

}  // namespace

std::unique_ptr<Network> make_cpu_network(const MlpShape& shape, uint64_t seed) {
  return std::make_unique<CpuNetwork>(shape, seed);
}

const char* net_math_name(NetMath m) { return m == NetMath::kTf32 ? "tf32" : "fp32"; }

NetMath parse_net_math(const std::string& s) {
  if (s == "fp32") return NetMath::kFp32;
  if (s == "tf32") return NetMath::kTf32;
  throw std::invalid_argument("network math '" + printable(s) + "': valid are fp32 and tf32");
}

std::unique_ptr<Network> make_network(Backend& backend, const MlpShape& shape, uint64_t seed, NetMath math) {
  if (backend.on_device()) return make_cuda_network(backend, shape, seed, math);
  return make_cpu_network(shape, seed);
}

}  // namespace myriad
