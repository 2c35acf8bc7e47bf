// trainer_ops_cuda.cu: the CUDA backend of TrainerOps: thin grid-stride kernels over the shared rules
// (rules/net_input.hpp, rules/td.hpp) on the legacy default stream, device memory owned by the object.
#include <cuda_runtime.h>

#include <cub/block/block_reduce.cuh>
#include <cub/device/device_scan.cuh>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <stdexcept>
#include <vector>

#include "launch.cuh"
#include "net_input_kernels.cuh"
#include "myriad/cuda_check.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

namespace {

__global__ void td_targets_kernel(int64_t n, TdParams p, const float* reward, const float* done, const float* q_tgt,
                                  const float* q_on, float* y) {
  for (int64_t b = gpu::thread_index(); b < n; b += gpu::thread_stride()) td_target_row(p, b, reward, done, q_tgt, q_on, y);
}

// flag[r] = 1 when row r's transition is kept.
__global__ void keep_flags_kernel(int64_t n, KeepParams p, const uint8_t* alive, const uint8_t* died, int64_t first_id,
                                  int* flag) {
  for (int64_t r = gpu::thread_index(); r < n; r += gpu::thread_stride())
    flag[r] = transition_kept(p, alive[r], died[r], first_id + r) ? 1 : 0;
}

// Row r kept → slot pos[r] (exclusive scan of the flags); the last row also writes the total.
__global__ void compact_kernel(int64_t n, KeepParams p, const int* flag, const int* pos, const uint8_t* died,
                               const float* reward, const uint8_t* action, int64_t* idx, float* out_reward,
                               uint8_t* out_action, uint8_t* out_done, int64_t* total) {
  for (int64_t r = gpu::thread_index(); r < n; r += gpu::thread_stride()) {
    if (r == n - 1) *total = static_cast<int64_t>(pos[r]) + flag[r];
    if (!flag[r]) continue;
    const int64_t j = pos[r];
    idx[j] = r;
    transition_fields(p, j, r, died, reward, action, out_reward, out_action, out_done);
  }
}

__global__ void transition_fields_kernel(int64_t m, KeepParams p, const uint8_t* died, const float* reward,
                                         const uint8_t* action, const int64_t* idx, float* out_reward,
                                         uint8_t* out_action, uint8_t* out_done) {
  for (int64_t j = gpu::thread_index(); j < m; j += gpu::thread_stride())
    transition_fields(p, j, idx[j], died, reward, action, out_reward, out_action, out_done);
}

constexpr int kReduceThreads = 256;

// sums[0] += Σ max_a q[r] over alive rows, count[0] += their number (block sums, then atomics).
__global__ void __launch_bounds__(kReduceThreads)
    mean_max_q_kernel(int64_t n, const float* q, int k, const uint8_t* alive, double* sum, unsigned long long* count) {
  double s = 0;
  unsigned long long c = 0;
  for (int64_t r = gpu::thread_index(); r < n; r += gpu::thread_stride()) {
    if (!alive[r]) continue;
    const float* row = q + r * k;
    s += row[argmax(row, k)];
    ++c;
  }
  using SumReduce = cub::BlockReduce<double, kReduceThreads>;
  using CountReduce = cub::BlockReduce<unsigned long long, kReduceThreads>;
  __shared__ typename SumReduce::TempStorage sum_tmp;
  __shared__ typename CountReduce::TempStorage count_tmp;
  const double bs = SumReduce(sum_tmp).Sum(s);
  const unsigned long long bc = CountReduce(count_tmp).Sum(c);
  if (threadIdx.x == 0) {
    atomicAdd(sum, bs);
    atomicAdd(count, bc);
  }
}

class CudaTrainerOps final : public TrainerOps {
 public:
  ~CudaTrainerOps() override {
    for (void* p : blocks_) MYRIAD_CUDA_CHECK_NOTHROW(cudaFree(p));
  }
  bool on_device() const override { return true; }
  size_t available_bytes() const override {
    size_t free_b = 0, total_b = 0;
    MYRIAD_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    return free_b;
  }
  void* alloc_bytes(size_t bytes) override {
    void* p = nullptr;
    MYRIAD_CUDA_CHECK(cudaMalloc(&p, bytes > 0 ? bytes : 1));
    blocks_.push_back(p);
    allocated_ += bytes;
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
  void reserve_compaction(int64_t count) override {
    if (sums_ == nullptr) sums_ = static_cast<double*>(alloc_bytes(2 * sizeof(double)));
    if (count > 0) reserve_scan(count);
  }

  void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows,
                 const NetInputDest& d) override {
    gpu::launch_net_input(nullptr, s, first_id, ids, rows, d);
  }
  void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done, const float* q_tgt,
                  const float* q_on, float* y) override {
    gpu::linear_kernel(td_targets_kernel, 0, nullptr, batch, p, reward, done, q_tgt, q_on, y);
  }

  int64_t compact_transitions(const KeepParams& p, const uint8_t* alive, const uint8_t* died, const float* reward,
                              const uint8_t* action, int64_t count, int64_t first_id, int64_t* idx, float* out_reward,
                              uint8_t* out_action, uint8_t* out_done) override {
    if (count <= 0) return 0;
    if (count > (int64_t{1} << 31) - 1) throw std::invalid_argument("compact_transitions: more than 2^31 rows");
    reserve_scan(count);
    gpu::linear_kernel(keep_flags_kernel, 0, nullptr, count, p, alive, died, first_id, flag_);
    size_t bytes = scan_bytes_;
    MYRIAD_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(scan_temp_, bytes, flag_, pos_, static_cast<int>(count)));
    gpu::linear_kernel(compact_kernel, 0, nullptr, count, p, flag_, pos_, died, reward, action, idx, out_reward,
                       out_action, out_done, total_);
    int64_t m = 0;
    to_host(&m, total_, sizeof m);
    return m;
  }

  void gather_transition_fields(const KeepParams& p, const uint8_t* died, const float* reward, const uint8_t* action,
                                const int64_t* idx, int64_t m, float* out_reward, uint8_t* out_action,
                                uint8_t* out_done) override {
    gpu::linear_kernel(transition_fields_kernel, 0, nullptr, m, p, died, reward, action, idx, out_reward, out_action,
                       out_done);
  }

  double mean_max_q(const float* q, int k, const uint8_t* alive, int64_t count) override {
    if (count <= 0) return 0.0;
    reserve_compaction(0);  // sums_
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(sums_, 0, 2 * sizeof(double), nullptr));
    auto* n = reinterpret_cast<unsigned long long*>(sums_ + 1);
    const unsigned int blocks = std::min<unsigned int>(gpu::blocks_for(count), 1024u);
    mean_max_q_kernel<<<blocks, kReduceThreads>>>(count, q, k, alive, sums_, n);
    MYRIAD_LAUNCH_CHECK();
    double h[2];
    to_host(h, sums_, sizeof h);
    unsigned long long c = 0;
    std::memcpy(&c, &h[1], sizeof c);
    return c > 0 ? h[0] / static_cast<double>(c) : 0.0;
  }

 private:
  // Scan buffers for compact_transitions, grown to the largest row count seen.
  void reserve_scan(int64_t count) {
    if (count <= scan_rows_) return;
    flag_ = static_cast<int*>(alloc_bytes(static_cast<size_t>(count) * sizeof(int)));
    pos_ = static_cast<int*>(alloc_bytes(static_cast<size_t>(count) * sizeof(int)));
    if (total_ == nullptr) total_ = static_cast<int64_t*>(alloc_bytes(sizeof(int64_t)));
    scan_bytes_ = 0;
    MYRIAD_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, scan_bytes_, flag_, pos_, static_cast<int>(count)));
    scan_temp_ = alloc_bytes(scan_bytes_);
    scan_rows_ = count;
  }

  std::vector<void*> blocks_;
  int *flag_ = nullptr, *pos_ = nullptr;
  int64_t* total_ = nullptr;
  void* scan_temp_ = nullptr;
  size_t scan_bytes_ = 0;
  int64_t scan_rows_ = 0;
  double* sums_ = nullptr;
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
