// cuda_exec.cuh: the CUDA executor, the device twin of CpuExec (exec.hpp): each member launches one
// grid-stride kernel over a __host__ __device__ lambda on the backend's stream. With the primitives of
// cuda_backend.cu and cuBLAS, this is the CUDA-only part of the engine.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "launch.cuh"
#include "myriad/exec.hpp"

namespace myriad::gpu {

template <typename F>
__global__ void for_each_kernel(int64_t n, F f) {
  for (int64_t i = thread_index(); i < n; i += thread_stride()) f(i);
}

// j = i·rows + r, one row a thread: f(i, r, r + 1); the division in 32 bits while the count fits.
template <typename F>
__global__ void for_each_rows_kernel(int64_t n_pairs, int rows, F f) {
  const bool narrow = n_pairs <= 0xFFFFFFFFll;
  for (int64_t j = thread_index(); j < n_pairs; j += thread_stride()) {
    if (narrow) {
      const uint32_t u = static_cast<uint32_t>(j), rr = static_cast<uint32_t>(rows);
      const int r = static_cast<int>(u % rr);
      f(static_cast<int64_t>(u / rr), r, r + 1);
    } else {
      const int r = static_cast<int>(j % rows);
      f(j / rows, r, r + 1);
    }
  }
}

// A block per item (grid-stride over items), its threads over the item's columns: no division.
template <typename F>
__global__ void for_each_wide_kernel(int64_t n, int width, F f) {
  for (int64_t i = blockIdx.x; i < n; i += gridDim.x)
    for (int c = threadIdx.x; c < width; c += blockDim.x) f(i, c);
}

// Per-thread sums, then per-block sums in shared memory, then one atomicAdd per field and block.
template <int N, typename F>
__global__ void sum_u64_kernel(int64_t n, F f, unsigned long long* out) {
  __shared__ unsigned long long block[N];
  for (int k = threadIdx.x; k < N; k += blockDim.x) block[k] = 0;
  __syncthreads();
  unsigned long long acc[N];
  for (int k = 0; k < N; ++k) acc[k] = 0;
  for (int64_t i = thread_index(); i < n; i += thread_stride()) f(i, acc);
  for (int k = 0; k < N; ++k)
    if (acc[k] != 0) atomicAdd(&block[k], acc[k]);
  __syncthreads();
  for (int k = threadIdx.x; k < N; k += blockDim.x)
    if (block[k] != 0) atomicAdd(&out[k], block[k]);
}

template <typename F>
__global__ void sum_f64_kernel(int64_t n, F f, double* out) {
  __shared__ double block[2];
  if (threadIdx.x < 2) block[threadIdx.x] = 0.0;
  __syncthreads();
  double acc[2] = {0.0, 0.0};
  for (int64_t i = thread_index(); i < n; i += thread_stride()) f(i, acc);
  if (acc[0] != 0.0 || acc[1] != 0.0) {
    atomicAdd(&block[0], acc[0]);
    atomicAdd(&block[1], acc[1]);
  }
  __syncthreads();
  if (threadIdx.x < 2) atomicAdd(&out[threadIdx.x], block[threadIdx.x]);
}

struct CudaExec {
  static constexpr bool kHost = false;
  cudaStream_t stream;

  template <typename F>
  void for_each(int64_t n, F f) const {
    linear_kernel(for_each_kernel<F>, 0, stream, n, f);
  }
  template <typename F>
  void for_each_rows(int64_t n, int rows, F f) const {
    if (rows <= 0) return;
    linear_kernel(for_each_rows_kernel<F>, 0, stream, n * rows, rows, f);
  }
  template <typename F>
  void for_each_wide(int64_t n, int width, F f) const {
    if (n <= 0 || width <= 0) return;
    const unsigned int blocks = static_cast<unsigned int>(n < kMaxBlocks ? n : kMaxBlocks);
    for_each_wide_kernel<F><<<blocks, kBlockThreads, 0, stream>>>(n, width, f);
    MYRIAD_LAUNCH_CHECK();
  }
  // out is device memory; zeroed here, filled asynchronously.
  template <int N, typename F>
  void sum_u64(int64_t n, F f, unsigned long long* out) const {
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(out, 0, N * sizeof(unsigned long long), stream));
    if (n <= 0) return;
    const unsigned int blocks = blocks_for(n) < 1024u ? blocks_for(n) : 1024u;
    sum_u64_kernel<N, F><<<blocks, kBlockThreads, 0, stream>>>(n, f, out);
    MYRIAD_LAUNCH_CHECK();
  }
  template <typename F>
  void sum_f64(int64_t n, F f, double* out) const {
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(out, 0, 2 * sizeof(double), stream));
    if (n <= 0) return;
    const unsigned int blocks = blocks_for(n) < 1024u ? blocks_for(n) : 1024u;
    sum_f64_kernel<F><<<blocks, kBlockThreads, 0, stream>>>(n, f, out);
    MYRIAD_LAUNCH_CHECK();
  }
};

}  // namespace myriad::gpu
