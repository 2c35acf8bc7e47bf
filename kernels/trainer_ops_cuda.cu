// trainer_ops_cuda.cu: the CUDA backend of TrainerOps: thin grid-stride kernels over the shared rules
// (rules/net_input.hpp, rules/td.hpp) on the legacy default stream, device memory owned by the object.
#include <cuda_runtime.h>

#include <cstdio>
#include <memory>
#include <string>
#include <stdexcept>
#include <vector>

#include "launch.cuh"
#include "myriad/cuda_check.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

namespace {

__global__ void net_input_kernel(int64_t n, NetInputSource s, int64_t first_id, const int64_t* ids,
                                 NetInputDest d) {
  const int64_t w = s.width();
  for (int64_t k = gpu::thread_index(); k < n; k += gpu::thread_stride()) net_input_element(s, first_id, ids, k / w, k % w, d);
}

__global__ void gather_split_kernel(int64_t n, const float* x, int64_t view_size, int n_features, int n_mean,
                                    const int64_t* idx, float* view, float* features, float* mean) {
  const int64_t w = view_size + n_features + n_mean;
  for (int64_t k = gpu::thread_index(); k < n; k += gpu::thread_stride()) {
    const int64_t j = k / w, c = k % w;
    const float v = x[idx[j] * w + c];
    if (c < view_size) view[j * view_size + c] = v;
    else if (c < view_size + n_features) features[j * n_features + (c - view_size)] = v;
    else mean[j * n_mean + (c - view_size - n_features)] = v;
  }
}

__global__ void td_targets_kernel(int64_t n, TdParams p, const float* reward, const float* done, const float* q_tgt,
                                  const float* q_on, float* y) {
  for (int64_t b = gpu::thread_index(); b < n; b += gpu::thread_stride()) td_target_row(p, b, reward, done, q_tgt, q_on, y);
}

class CudaTrainerOps final : public TrainerOps {
 public:
  ~CudaTrainerOps() override {
    for (void* p : blocks_) MYRIAD_CUDA_CHECK_NOTHROW(cudaFree(p));
  }
  bool on_device() const override { return true; }
  void* alloc_bytes(size_t bytes) override {
    void* p = nullptr;
    MYRIAD_CUDA_CHECK(cudaMalloc(&p, bytes > 0 ? bytes : 1));
    blocks_.push_back(p);
    MYRIAD_CUDA_CHECK(cudaMemset(p, 0, bytes > 0 ? bytes : 1));
    return p;
  }
  void to_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost));
  }
  void from_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice));
  }
  void copy(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, nullptr));
  }
  void synchronize() override { MYRIAD_CUDA_CHECK(cudaDeviceSynchronize()); }

  void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows,
                 const NetInputDest& d) override {
    gpu::linear_kernel(net_input_kernel, 0, nullptr, rows * s.width(), s, first_id, ids, d);
  }
  void gather_split(const float* x, int64_t view_size, int n_features, int n_mean, const int64_t* idx, int64_t count,
                    float* view, float* features, float* mean) override {
    gpu::linear_kernel(gather_split_kernel, 0, nullptr, count * (view_size + n_features + n_mean), x, view_size,
                       n_features, n_mean, idx, view, features, mean);
  }
  void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done, const float* q_tgt,
                  const float* q_on, float* y) override {
    gpu::linear_kernel(td_targets_kernel, 0, nullptr, batch, p, reward, done, q_tgt, q_on, y);
  }

 private:
  std::vector<void*> blocks_;
};

}  // namespace

std::unique_ptr<TrainerOps> make_cuda_trainer_ops() {
  if (!cuda_device_available()) throw std::runtime_error("make_cuda_trainer_ops: no CUDA device answers");
  return std::make_unique<CudaTrainerOps>();
}

std::string cuda_device_description() {
  if (!cuda_device_available()) return "";
  int dev = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess) {
    cudaGetLastError();
    return "";
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s (sm_%d%d, %.1f GiB)", prop.name, prop.major, prop.minor,
                static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

}  // namespace myriad
