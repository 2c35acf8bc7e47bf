// cuda_network.cu: the CUDA Q-network: cuBLAS SGEMM (FP32, or TF32 tensor cores) for the matrix products and
// the thin kernels of network_kernels.cu for the rest, all ordered on the network's one stream.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/device_buffer.hpp"
#include "myriad/network.hpp"
#include "myriad/world.hpp"
#include "cuda_stream.cuh"
#include "network_kernels.cuh"

namespace myriad {

namespace {

void cublas_check(cublasStatus_t st, const char* expr, const char* file, int line) {
  if (st == CUBLAS_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + expr + " failed: " +
                           cublasGetStatusName(st) + " (" + cublasGetStatusString(st) + ")");
}
#define MYRIAD_CUBLAS_CHECK(expr) cublas_check((expr), #expr, __FILE__, __LINE__)

// cuBLAS handle bound to one stream. NetMath::kFp32: CUBLAS_DEFAULT_MATH (true FP32);
// NetMath::kTf32: CUBLAS_TF32_TENSOR_OP_MATH, which lets SGEMM run on TF32 tensor cores.
class CublasHandle {
 public:
  CublasHandle(cudaStream_t s, NetMath math) {
    MYRIAD_CUBLAS_CHECK(cublasCreate(&h_));
    MYRIAD_CUBLAS_CHECK(cublasSetStream(h_, s));
    MYRIAD_CUBLAS_CHECK(
        cublasSetMathMode(h_, math == NetMath::kTf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  }
  ~CublasHandle() {
    if (h_ != nullptr && cublasDestroy(h_) != CUBLAS_STATUS_SUCCESS) std::fprintf(stderr, "cublasDestroy failed\n");
  }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return h_; }

 private:
  cublasHandle_t h_ = nullptr;
};

template <typename T>
void upload(DeviceBuffer<T>& dst, const T* src, size_t n, cudaStream_t s) {
  if (dst.size() < n) dst = DeviceBuffer<T>(n);
  if (n > 0) MYRIAD_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src, n * sizeof(T), cudaMemcpyHostToDevice, s));
}

// Row-major throughout: a row-major [r][c] matrix is cuBLAS's column-major [c][r], ld = c.
class CudaQNetwork final : public QNetwork {
 public:
  CudaQNetwork(const MlpShape& shape, uint64_t seed, NetMath math)
      : QNetwork(shape), blas_(stream_.get(), math), p_(layout_.size()), g_(layout_.size()), m_(layout_.size()),
        v_(layout_.size()), scalars_(3) {
    set_params(init_mlp_params(shape, seed));
    const cudaStream_t s = stream_.get();
    g_.zero(s);
    m_.zero(s);
    v_.zero(s);
    scalars_.zero(s);
    act_.resize(static_cast<size_t>(shape.layers()));
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(s));
  }
  ~CudaQNetwork() override { MYRIAD_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(stream_.get())); }

  bool on_device() const override { return true; }
  void synchronize() override { MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get())); }

  void forward(const float* d_x, int batch, float* d_q) override {
    if (batch <= 0) return;
    reserve(batch);
    const MlpShape& s = shape();
    const float one = 1.0f, zero = 0.0f;
    const float* in = d_x;
    for (int l = 0; l < s.layers(); ++l) {
      const bool last = l == s.layers() - 1;
      const int ni = s.in_dim(l), no = s.out_dim(l);
      float* out = last ? d_q : act_[static_cast<size_t>(l + 1)].data();
      // Z^T [no][B] = W [no][ni] · X^T [ni][B]   (W stored as column-major [ni][no]).
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, no, batch, ni, &one,
                                      p_.data() + layout_.weight_offset(l), ni, in, ni, &zero, out, no));
      gpu::launch_bias_activation(stream_.get(), out, p_.data() + layout_.bias_offset(l), batch, no, !last);
      in = out;
    }
  }

  float backward_td(const float* d_x, int batch, const int* d_actions, const float* d_targets,
                    const float* d_mask) override {
    if (batch <= 0) return 0.0f;
    reserve(batch);
    const MlpShape& s = shape();
    const cudaStream_t st = stream_.get();
    forward(d_x, batch, q_.data());
    const float* mask = d_mask != nullptr ? d_mask : ones_.data();
    gpu::launch_sum(st, mask, batch, false, scalars_.data() + 0);
    gpu::launch_td_grad(st, q_.data(), batch, s.outputs, d_actions, d_targets, mask, scalars_.data() + 0,
                        dz_.data(), loss_terms_.data());
    gpu::launch_sum(st, loss_terms_.data(), batch, false, scalars_.data() + 1);
    const float one = 1.0f, zero = 0.0f;
    for (int l = s.layers() - 1; l >= 0; --l) {
      const int ni = s.in_dim(l), no = s.out_dim(l);
      const float* a_in = l == 0 ? d_x : act_[static_cast<size_t>(l)].data();
      // dW^T [ni][no] += A^T [ni][B] · dZ [B][no]
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_T, ni, no, batch, &one, a_in, ni,
                                      dz_.data(), no, &one, g_.data() + layout_.weight_offset(l), ni));
      // db [no] += dZ^T [no][B] · 1 [B]
      MYRIAD_CUBLAS_CHECK(cublasSgemv(blas_.get(), CUBLAS_OP_N, no, batch, &one, dz_.data(), no, ones_.data(), 1,
                                      &one, g_.data() + layout_.bias_offset(l), 1));
      if (l > 0) {
        // dA^T [ni][B] = W^T [ni][no] · dZ^T [no][B], then through the ReLU.
        MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, ni, batch, no, &one,
                                        p_.data() + layout_.weight_offset(l), ni, dz_.data(), no, &zero,
                                        da_.data(), ni));
        gpu::launch_relu_backward(st, a_in, da_.data(), static_cast<int64_t>(batch) * ni);
        std::swap(dz_, da_);
      }
    }
    double h[2];
    MYRIAD_CUDA_CHECK(cudaMemcpyAsync(h, scalars_.data(), sizeof h, cudaMemcpyDeviceToHost, st));
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(st));
    const float inv_denom = masked_mean_inverse(static_cast<float>(h[0]));
    return static_cast<float>(h[1] * static_cast<double>(inv_denom));
  }

  void adam_step() override {
    const cudaStream_t st = stream_.get();
    const int64_t n = static_cast<int64_t>(layout_.size());
    gpu::launch_sum(st, g_.data(), n, true, scalars_.data() + 2);
    gpu::launch_adam(st, p_.data(), m_.data(), v_.data(), g_.data(), n, scalars_.data() + 2, adam_.clip_norm,
                     next_adam_scalars());
  }
  void zero_grad() override { g_.zero(stream_.get()); }

  void soft_update_from(const QNetwork& online, float tau) override {
    check_same_shape(online);
    const auto& o = static_cast<const CudaQNetwork&>(online);
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(o.stream_.get()));  // the online parameters are final
    gpu::launch_soft_update(stream_.get(), p_.data(), o.p_.data(), static_cast<int64_t>(p_.size()), tau);
  }
  void copy_from(const QNetwork& online) override {
    check_same_shape(online);
    const auto& o = static_cast<const CudaQNetwork&>(online);
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(o.stream_.get()));
    MYRIAD_CUDA_CHECK(cudaMemcpyAsync(p_.data(), o.p_.data(), p_.bytes(), cudaMemcpyDeviceToDevice, stream_.get()));
  }

  std::vector<float> params() const override { return download(p_); }
  void set_params(const std::vector<float>& p) override {
    check_params_size(p.size());
    upload(p_, p.data(), p.size(), stream_.get());
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));  // p may go away after we return
  }
  std::vector<float> grad() const override { return download(g_); }
  std::vector<float> adam_m() const override { return download(m_); }
  std::vector<float> adam_v() const override { return download(v_); }
  void set_adam_state(const std::vector<float>& m, const std::vector<float>& v, int64_t step) override {
    check_params_size(m.size());
    check_params_size(v.size());
    upload(m_, m.data(), m.size(), stream_.get());
    upload(v_, v.data(), v.size(), stream_.get());
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    step_ = step;
  }
  float last_grad_norm() const override {
    double sq = 0.0;
    MYRIAD_CUDA_CHECK(cudaMemcpyAsync(&sq, scalars_.data() + 2, sizeof sq, cudaMemcpyDeviceToHost, stream_.get()));
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return static_cast<float>(std::sqrt(sq));
  }

  std::vector<float> forward_host(const std::vector<float>& x, int batch) override {
    const size_t nq = static_cast<size_t>(batch) * static_cast<size_t>(shape().outputs);
    stage_input(x, batch);
    if (stage_q_.size() < nq) stage_q_ = DeviceBuffer<float>(nq);
    forward(stage_x_.data(), batch, stage_q_.data());
    std::vector<float> q(nq);
    if (nq > 0) MYRIAD_CUDA_CHECK(cudaMemcpyAsync(q.data(), stage_q_.data(), nq * sizeof(float), cudaMemcpyDeviceToHost,
                                                  stream_.get()));
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return q;
  }
  float backward_td_host(const std::vector<float>& x, int batch, const std::vector<int>& actions,
                         const std::vector<float>& targets, const std::vector<float>& mask) override {
    const size_t nb = static_cast<size_t>(batch);
    if (actions.size() < nb || targets.size() < nb || (!mask.empty() && mask.size() < nb))
      throw std::invalid_argument("backward_td_host: actions, targets or mask shorter than the batch");
    stage_input(x, batch);
    upload(stage_a_, actions.data(), nb, stream_.get());
    upload(stage_t_, targets.data(), nb, stream_.get());
    if (!mask.empty()) upload(stage_m_, mask.data(), nb, stream_.get());
    return backward_td(stage_x_.data(), batch, stage_a_.data(), stage_t_.data(), mask.empty() ? nullptr : stage_m_.data());
  }

 private:
  void stage_input(const std::vector<float>& x, int batch) {
    const size_t nx = static_cast<size_t>(batch < 0 ? 0 : batch) * static_cast<size_t>(shape().inputs);
    if (batch < 0 || x.size() < nx) throw std::invalid_argument("QNetwork: x holds fewer than batch × inputs values");
    upload(stage_x_, x.data(), nx, stream_.get());
  }
  std::vector<float> download(const DeviceBuffer<float>& d) const {
    std::vector<float> h(d.size());
    if (!h.empty())
      MYRIAD_CUDA_CHECK(cudaMemcpyAsync(h.data(), d.data(), d.bytes(), cudaMemcpyDeviceToHost, stream_.get()));
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
    return h;
  }
  void reserve(int batch) {
    if (batch <= capacity_) return;
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));  // old buffers may still be in use
    const MlpShape& s = shape();
    const size_t nb = static_cast<size_t>(batch);
    for (int l = 1; l < s.layers(); ++l)
      act_[static_cast<size_t>(l)] = DeviceBuffer<float>(nb * static_cast<size_t>(s.in_dim(l)));
    q_ = DeviceBuffer<float>(nb * static_cast<size_t>(s.outputs));
    dz_ = DeviceBuffer<float>(nb * static_cast<size_t>(s.max_width()));
    da_ = DeviceBuffer<float>(nb * static_cast<size_t>(s.max_width()));
    loss_terms_ = DeviceBuffer<float>(nb);
    ones_ = DeviceBuffer<float>(nb);
    gpu::launch_fill(stream_.get(), ones_.data(), static_cast<int64_t>(nb), 1.0f);
    capacity_ = batch;
  }

  gpu::CudaStream stream_;  // first member: destroyed last, after every buffer used on it
  CublasHandle blas_;
  DeviceBuffer<float> p_, g_, m_, v_;
  DeviceBuffer<double> scalars_;  // [0] Σ mask, [1] Σ loss terms, [2] ||g||² of the last adam_step
  std::vector<DeviceBuffer<float>> act_;  // act_[l]: input of layer l >= 1 (a ReLU output)
  DeviceBuffer<float> q_, dz_, da_, loss_terms_, ones_;
  DeviceBuffer<float> stage_x_, stage_q_, stage_t_, stage_m_;  // staging of the *_host calls
  DeviceBuffer<int> stage_a_;
  int capacity_ = 0;
};

}  // namespace

std::unique_ptr<QNetwork> make_cuda_qnetwork(const MlpShape& shape, uint64_t seed, NetMath math) {
  if (!cuda_device_available()) throw std::runtime_error("make_cuda_qnetwork: no CUDA device answers");
  return std::make_unique<CudaQNetwork>(shape, seed, math);
}

}  // namespace myriad
