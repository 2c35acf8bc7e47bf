// launch.cuh: the launch helpers of every kernel (grid-stride loops of 256 threads, launch check after
// each <<<>>>): the CUDA executor's and the network's.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "myriad/cuda_check.hpp"
#include "myriad/hd.hpp"

namespace myriad::gpu {

constexpr int kBlockThreads = 256;
constexpr int64_t kMaxBlocks = int64_t{1} << 18;  // grid-stride loops cover the rest

__device__ __forceinline__ int64_t thread_index() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t thread_stride() { return static_cast<int64_t>(gridDim.x) * blockDim.x; }

inline unsigned int blocks_for(int64_t n) {
  const int64_t b = (n + kBlockThreads - 1) / kBlockThreads;
  return static_cast<unsigned int>(b < kMaxBlocks ? b : kMaxBlocks);
}

// Launches kernel(n, args...) over n items (a grid-stride loop inside the kernel) on `stream`.
template <typename Kernel, typename... Args>
void linear_kernel(Kernel kernel, size_t shmem, cudaStream_t stream, int64_t n, Args... args) {
  if (n <= 0) return;
  kernel<<<blocks_for(n), kBlockThreads, shmem, stream>>>(n, args...);
  MYRIAD_LAUNCH_CHECK();
}

// Launches kernel(rows, args...) with one block of kBlockThreads per row (a grid-stride loop over
// rows inside the kernel, its threads striding over the row's columns) on `stream`.
template <typename Kernel, typename... Args>
void row_kernel(Kernel kernel, cudaStream_t stream, int64_t rows, Args... args) {
  if (rows <= 0) return;
  kernel<<<static_cast<unsigned int>(rows < kMaxBlocks ? rows : kMaxBlocks), kBlockThreads, 0, stream>>>(rows, args...);
  MYRIAD_LAUNCH_CHECK();
}

}  // namespace myriad::gpu
