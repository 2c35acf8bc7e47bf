// rules/fp.hpp: float arithmetic that both backends round the same way, and memory accesses that two
// host threads may make to one cell in the same pass. nvcc contracts a*b + c into one FMA by default and
// g++ (-ffp-contract=off) does not: products and sums whose bits must match go through mul_rn/add_rn.
#pragma once
#include "myriad/hd.hpp"

namespace myriad {

MYRIAD_HD float mul_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
MYRIAD_HD float add_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}
MYRIAD_HD float sub_rn(float a, float b) { return add_rn(a, -b); }

// A load or store that another thread of the same pass may race with: a relaxed atomic on the host
// (OpenMP threads: no undefined behaviour, a plain mov on x86), a plain access on the device.
template <typename T>
MYRIAD_HD T load_relaxed(const T* p) {
#if defined(__CUDA_ARCH__)
  return *static_cast<const volatile T*>(p);
#else
  return __atomic_load_n(p, __ATOMIC_RELAXED);
#endif
}
template <typename T>
MYRIAD_HD void store_relaxed(T* p, T v) {
#if defined(__CUDA_ARCH__)
  *static_cast<volatile T*>(p) = v;
#else
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
#endif
}

}  // namespace myriad
