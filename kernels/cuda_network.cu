// cuda_network.cu: the CUDA network: cuBLAS SGEMM (FP32, or TF32 tensor cores) for the matrix products and
// the thin kernels of network_kernels.cu for the rest, all ordered on the backend's one stream, in its memory.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/cuda_check.hpp"
#include "myriad/engine/learn_program.hpp"
#include "myriad/network.hpp"
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
void upload(Backend& be, Buffer<T>& dst, const T* src, size_t n) {
  if (dst.size() < n) dst = Buffer<T>(be, n);
  if (n > 0) be.from_host(dst.data(), src, n * sizeof(T));
}

// Row-major throughout: a row-major [r][c] matrix is cuBLAS's column-major [c][r], ld = c.
class CudaNetwork final : public Network {
 public:
  CudaNetwork(Backend& be, const MlpShape& shape, uint64_t seed, NetMath math)
      : Network(shape), be_(be), stream_(static_cast<cudaStream_t>(be.stream())), math_(math), blas_(stream_, math),
        p_(be, layout_.size()), g_(be, layout_.size()), m_(be, layout_.size()), v_(be, layout_.size()),
        scalars_(be, 3) {
    set_params(init_mlp_params(shape, seed));
    act_.resize(static_cast<size_t>(shape.layers()));
  }
  ~CudaNetwork() override { be_.synchronize(); }

  bool on_device() const override { return true; }
  void synchronize() override { be_.synchronize(); }
  void prepare(int forward_rows, int batch) override {
    if (forward_rows > 0) reserve_forward(forward_rows);
    if (batch > 0) reserve(batch);
    if (forward_rows > 0 && math_ != NetMath::kTf32) {  // FP32 math on bf16 views assembles rows
      const size_t n = static_cast<size_t>(forward_rows) * static_cast<size_t>(shape().inputs);
      if (rows_.size() < n) rows_ = Buffer<float>(be_, n);
    }
  }

  void forward(const float* d_x, int batch, float* d_q) override {
    if (batch <= 0) return;
    reserve_forward(batch);
    forward_layers(0, d_x, batch, d_q);
  }

  // Layer 0's product split by input segment, read where the world keeps them:
  //   Z^T = W_view · O^T + W_feat · F^T + W_mean · Ā^T,
  // the view as SGEMM on f32 observations, or, with tensor math on bf16 observations, as a bf16
  // tensor-core GEMM (FP32 accumulation) against a bf16 copy of W_view; exact FP32 math on bf16
  // observations assembles the rows instead (the bf16 weights would not be FP32).
  void forward_inputs(const NetInputSource& s, int64_t first_id, int rows, float* d_q) override {
    if (rows <= 0) return;
    const MlpShape& sh = shape();
    if (s.width() != sh.inputs)
      throw std::invalid_argument("Network::forward_inputs: rows of " + std::to_string(s.width()) +
                                  " inputs, the network takes " + std::to_string(sh.inputs));
    const cudaStream_t st = stream_;
    const bool bf16_view = s.obs_bf16 != nullptr;
    if (bf16_view && math_ != NetMath::kTf32) {
      const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(sh.inputs);
      if (rows_.size() < n) rows_ = Buffer<float>(be_, n);  // the old buffer is released after the stream drains
      be_.learn().net_input(s, first_id, nullptr, rows, row_dest(rows_.data(), s));
      forward(rows_.data(), rows, d_q);
      return;
    }
    reserve_forward(rows);
    const int ni = sh.in_dim(0), no = sh.out_dim(0), V = static_cast<int>(s.view_size), F = s.n_features;
    const bool last = sh.layers() == 1;
    float* out = last ? d_q : act_[1].data();
    const float* w = p_.data() + layout_.weight_offset(0);
    const float one = 1.0f, zero = 0.0f;
    if (bf16_view) {
      // Both leading dimensions are multiples of 8 values (16 bytes): the weights' padded here, the
      // observations' by the world (ObsLayout::row_stride), so cuBLAS can take its aligned kernels.
      const int ld = (V + 7) / 8 * 8;
      const size_t need = static_cast<size_t>(no) * static_cast<size_t>(ld);
      if (view_bf16_stale_ || view_bf16_.size() != need) {
        if (view_bf16_.size() != need) view_bf16_ = Buffer<Bf16>(be_, need);
        gpu::launch_weights_bf16(st, w, ni, no, V, ld, view_bf16_.data());
        view_bf16_stale_ = false;
      }
      MYRIAD_CUBLAS_CHECK(cublasGemmEx(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, no, rows, V, &one, view_bf16_.data(),
                                       CUDA_R_16BF, ld, s.obs_bf16 + first_id * s.view_stride, CUDA_R_16BF,
                                       static_cast<int>(s.view_stride), &zero,
                                       out, CUDA_R_32F, no, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    } else {
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, no, rows, V, &one, w, ni,
                                      s.obs_f32 + first_id * s.view_stride, static_cast<int>(s.view_stride), &zero,
                                      out, no));
    }
    if (F > 0)
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, no, rows, F, &one, w + V, ni,
                                      s.features + first_id * F, F, &one, out, no));
    if (s.n_mean > 0 && s.mean_action != nullptr)  // IQL: the ā columns are zeros
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, no, rows, s.n_mean, &one, w + V + F, ni,
                                      s.mean_action + first_id * s.k_stride, s.k_stride, &one, out, no));
    gpu::launch_bias_activation(st, out, p_.data() + layout_.bias_offset(0), rows, no, !last);
    if (!last) forward_layers(1, out, rows, d_q);
  }

  void backward(const float* d_x, int batch, const float* d_out) override {
    if (batch <= 0) return;
    reserve(batch);
    const MlpShape& s = shape();
    const cudaStream_t st = stream_;
    const float one = 1.0f, zero = 0.0f;
    const float* dz = d_out;  // the gradient at layer l's output; then the scratch dz_
    for (int l = s.layers() - 1; l >= 0; --l) {
      const int ni = s.in_dim(l), no = s.out_dim(l);
      const float* a_in = l == 0 ? d_x : act_[static_cast<size_t>(l)].data();
      // dW^T [ni][no] += A^T [ni][B] · dZ [B][no]
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_T, ni, no, batch, &one, a_in, ni, dz, no,
                                      &one, g_.data() + layout_.weight_offset(l), ni));
      // db [no] += dZ^T [no][B] · 1 [B]
      MYRIAD_CUBLAS_CHECK(cublasSgemv(blas_.get(), CUBLAS_OP_N, no, batch, &one, dz, no, ones_.data(), 1, &one,
                                      g_.data() + layout_.bias_offset(l), 1));
      if (l > 0) {
        // dA^T [ni][B] = W^T [ni][no] · dZ^T [no][B], then through the ReLU.
        MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, ni, batch, no, &one,
                                        p_.data() + layout_.weight_offset(l), ni, dz, no, &zero, da_.data(), ni));
        gpu::launch_relu_backward(st, a_in, da_.data(), static_cast<int64_t>(batch) * ni);
        std::swap(dz_, da_);
        dz = dz_.data();
      }
    }
  }

  void adam_step() override {
    const cudaStream_t st = stream_;
    const int64_t n = static_cast<int64_t>(layout_.size());
    gpu::launch_sum(st, g_.data(), n, true, scalars_.data() + 2);
    gpu::launch_adam(st, p_.data(), m_.data(), v_.data(), g_.data(), n, scalars_.data() + 2, adam_.clip_norm,
                     next_adam_scalars());
    view_bf16_stale_ = true;
  }
  void zero_grad() override { g_.zero(); }

  void soft_update_from(const Network& online, float tau) override {
    check_same_shape(online);
    const auto& o = static_cast<const CudaNetwork&>(online);
    check_same_backend(o);
    gpu::launch_soft_update(stream_, p_.data(), o.p_.data(), static_cast<int64_t>(p_.size()), tau);
    view_bf16_stale_ = true;
  }
  void copy_from(const Network& online) override {
    check_same_shape(online);
    const auto& o = static_cast<const CudaNetwork&>(online);
    check_same_backend(o);
    be_.copy(p_.data(), o.p_.data(), p_.bytes());
    view_bf16_stale_ = true;
  }

  std::vector<float> params() const override { return p_.to_vector(); }
  void set_params(const std::vector<float>& p) override {
    check_params_size(p.size());
    upload(be_, p_, p.data(), p.size());
    view_bf16_stale_ = true;
  }
  std::vector<float> grad() const override { return g_.to_vector(); }
  std::vector<float> adam_m() const override { return m_.to_vector(); }
  std::vector<float> adam_v() const override { return v_.to_vector(); }
  void set_adam_state(const std::vector<float>& m, const std::vector<float>& v, int64_t step) override {
    check_params_size(m.size());
    check_params_size(v.size());
    upload(be_, m_, m.data(), m.size());
    upload(be_, v_, v.data(), v.size());
    step_ = step;
  }
  float last_grad_norm() const override {
    double sq = 0.0;
    be_.to_host(&sq, scalars_.data() + 2, sizeof sq);
    return static_cast<float>(std::sqrt(sq));
  }

  std::vector<float> forward_host(const std::vector<float>& x, int batch) override {
    const size_t nq = static_cast<size_t>(batch) * static_cast<size_t>(shape().outputs);
    stage_input(x, batch);
    if (stage_q_.size() < nq) stage_q_ = Buffer<float>(be_, nq);
    forward(stage_x_.data(), batch, stage_q_.data());
    std::vector<float> q(nq);
    if (nq > 0) be_.to_host(q.data(), stage_q_.data(), nq * sizeof(float));
    return q;
  }
  void forward_backward_host(const std::vector<float>& x, int batch, const std::vector<float>& d_out) override {
    const size_t nq = static_cast<size_t>(batch < 0 ? 0 : batch) * static_cast<size_t>(shape().outputs);
    if (d_out.size() < nq) throw std::invalid_argument("forward_backward_host: d_out holds fewer than batch × outputs values");
    stage_input(x, batch);
    if (stage_q_.size() < nq) stage_q_ = Buffer<float>(be_, nq);
    upload(be_, stage_t_, d_out.data(), nq);
    forward(stage_x_.data(), batch, stage_q_.data());
    backward(stage_x_.data(), batch, stage_t_.data());
    be_.synchronize();
  }

 private:
  // Layers first..L-1 on `in` (the input of layer `first`), activations kept, Q into d_q.
  void forward_layers(int first, const float* in, int batch, float* d_q) {
    const MlpShape& s = shape();
    const float one = 1.0f, zero = 0.0f;
    for (int l = first; l < s.layers(); ++l) {
      const bool last = l == s.layers() - 1;
      const int ni = s.in_dim(l), no = s.out_dim(l);
      float* out = last ? d_q : act_[static_cast<size_t>(l + 1)].data();
      // Z^T [no][B] = W [no][ni] · X^T [ni][B]   (W stored as column-major [ni][no]).
      MYRIAD_CUBLAS_CHECK(cublasSgemm(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, no, batch, ni, &one,
                                      p_.data() + layout_.weight_offset(l), ni, in, ni, &zero, out, no));
      gpu::launch_bias_activation(stream_, out, p_.data() + layout_.bias_offset(l), batch, no, !last);
      in = out;
    }
  }

  void stage_input(const std::vector<float>& x, int batch) {
    const size_t nx = static_cast<size_t>(batch < 0 ? 0 : batch) * static_cast<size_t>(shape().inputs);
    if (batch < 0 || x.size() < nx) throw std::invalid_argument("Network: x holds fewer than batch × inputs values");
    upload(be_, stage_x_, x.data(), nx);
  }
  void check_same_backend(const CudaNetwork& o) const {
    if (&o.be_ != &be_) throw std::invalid_argument("Network: update from a network of another backend context");
  }
  // Activations for a forward of `batch` rows.
  void reserve_forward(int batch) {
    if (batch <= fwd_capacity_) return;
    const MlpShape& s = shape();  // old buffers are released after the stream drains
    for (int l = 1; l < s.layers(); ++l)
      act_[static_cast<size_t>(l)] = Buffer<float>(be_, static_cast<size_t>(batch) * static_cast<size_t>(s.in_dim(l)));
    fwd_capacity_ = batch;
  }
  // Activations and the backward scratch for backward on `batch` rows.
  void reserve(int batch) {
    reserve_forward(batch);
    if (batch <= capacity_) return;
    const MlpShape& s = shape();
    const size_t nb = static_cast<size_t>(batch);
    dz_ = Buffer<float>(be_, nb * static_cast<size_t>(s.max_width()));
    da_ = Buffer<float>(be_, nb * static_cast<size_t>(s.max_width()));
    ones_ = Buffer<float>(be_, nb);
    gpu::launch_fill(stream_, ones_.data(), static_cast<int64_t>(nb), 1.0f);
    capacity_ = batch;
  }

  Backend& be_;
  cudaStream_t stream_;  // the backend's
  NetMath math_;
  CublasHandle blas_;
  Buffer<float> p_, g_, m_, v_;
  Buffer<double> scalars_;  // [2]: ||g||² of the last adam_step
  std::vector<Buffer<float>> act_;  // act_[l]: input of layer l >= 1 (a ReLU output)
  Buffer<float> dz_, da_, ones_;
  Buffer<float> stage_x_, stage_q_, stage_t_;  // staging of the *_host calls
  Buffer<float> rows_;       // forward_inputs: assembled rows (FP32 math on bf16 views)
  Buffer<Bf16> view_bf16_;   // forward_inputs: bf16 copy of layer 0's view weights
  bool view_bf16_stale_ = true;    // set whenever the parameters change
  int capacity_ = 0, fwd_capacity_ = 0;
};

}  // namespace

std::unique_ptr<Network> make_cuda_network(Backend& backend, const MlpShape& shape, uint64_t seed, NetMath math) {
  if (!backend.on_device()) throw std::invalid_argument("make_cuda_network: the backend is not a CUDA one");
  return std::make_unique<CudaNetwork>(backend, shape, seed, math);
}

}  // namespace myriad
