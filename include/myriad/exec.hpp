// exec.hpp: what the engine's data-parallel code is written against: the executor interface (for each
// item, each (item, row), each (item, column); order-free integer sums; a metric sum), the CPU executor
// (OpenMP), the atomic functors the rules take, and MYRIAD_LAMBDA, a lambda both compilers can run.
// The CUDA executor (kernels/cuda_exec.cuh) has the same members; engine code is a template over it.
#pragma once
#include <cstdint>

#include "myriad/hd.hpp"

// A lambda callable from the CPU executor's loops and from a CUDA kernel (nvcc: an extended
// __host__ __device__ lambda; it captures by value, so views and parameters are copied in).
#if defined(__CUDACC__)
#define MYRIAD_LAMBDA [=] __host__ __device__
#else
#define MYRIAD_LAMBDA [=]
#endif

namespace myriad {

// atomicAdd on the device, a relaxed atomic add on the host (OpenMP threads): order-free for integers.
struct AtomicAdd {
  template <typename T, typename U>
  MYRIAD_HD void operator()(T* p, U v) const {
#if defined(__CUDA_ARCH__)
    atomicAdd(p, static_cast<T>(v));
#else
    __atomic_fetch_add(p, static_cast<T>(v), __ATOMIC_RELAXED);
#endif
  }
};

// atomicMax on a 64-bit claim: the move rounds' only shared write.
struct AtomicMaxU64 {
  MYRIAD_HD void operator()(unsigned long long* p, unsigned long long v) const {
#if defined(__CUDA_ARCH__)
    atomicMax(p, v);
#else
    unsigned long long cur = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (cur < v && !__atomic_compare_exchange_n(p, &cur, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
#endif
  }
};

// The CPU executor: OpenMP loops. Below kParallelMin items a loop runs on the calling thread (forking
// a team costs more than the work). Every pointer it is given is host memory.
struct CpuExec {
  static constexpr bool kHost = true;
  static constexpr int64_t kParallelMin = 4096;

  // f(i) for i in [0, n).
  template <typename F>
  void for_each(int64_t n, F f) const {
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (int64_t i = 0; i < n; ++i) f(i);
  }
  // Every (i, r) for i in [0, n), r in [0, rows), as f(i, r_begin, r_end) over spans of rows: here one
  // call per item with the whole span (the item's set-up is shared by its rows); the device executor
  // calls each row alone, a thread per row.
  template <typename F>
  void for_each_rows(int64_t n, int rows, F f) const {
#pragma omp parallel for schedule(static) if (n * rows >= kParallelMin / 8)  // rows are heavy (a window row each)
    for (int64_t i = 0; i < n; ++i) f(i, 0, rows);
  }
  // f(i, c) for i in [0, n), c in [0, width): wide items (network rows, replay transitions).
  template <typename F>
  void for_each_wide(int64_t n, int width, F f) const {
#pragma omp parallel for schedule(static) if (n * width >= kParallelMin)
    for (int64_t i = 0; i < n; ++i)
      for (int c = 0; c < width; ++c) f(i, c);
  }
  // out[k] = Σ_i of what f(i, acc) adds to acc[k], k < N (integers: the result is order-free).
  template <int N, typename F>
  void sum_u64(int64_t n, F f, unsigned long long* out) const {
    for (int k = 0; k < N; ++k) out[k] = 0;
#pragma omp parallel if (n >= kParallelMin)
    {
      unsigned long long acc[N] = {};
#pragma omp for schedule(static) nowait
      for (int64_t i = 0; i < n; ++i) f(i, acc);
      for (int k = 0; k < N; ++k)
        if (acc[k] != 0) __atomic_fetch_add(&out[k], acc[k], __ATOMIC_RELAXED);
    }
  }
  // out[0] = Σ of what f(i, acc) adds to acc[0] (a double), out[1] = to acc[1] (a count). A metric:
  // the CPU adds in index order, the device in an unspecified one.
  template <typename F>
  void sum_f64(int64_t n, F f, double* out) const {
    double acc[2] = {0.0, 0.0};
    for (int64_t i = 0; i < n; ++i) f(i, acc);
    out[0] = acc[0];
    out[1] = acc[1];
  }
};

}  // namespace myriad
