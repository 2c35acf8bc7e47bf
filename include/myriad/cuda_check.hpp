// cuda_check.hpp: CUDA error macros: MYRIAD_CUDA_CHECK throws with file, line, expression and the
// error name; a no-throw variant for destructors; MYRIAD_LAUNCH_CHECK after every <<<>>>.
#pragma once
#include <cuda_runtime.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace myriad {

// Throws std::runtime_error "file:line: expr failed: cudaErrorName (description)".
inline void cuda_check(cudaError_t e, const char* expr, const char* file, int line) {
  if (e == cudaSuccess) return;
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + expr + " failed: " +
                           cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}

// For destructors: reports on stderr and carries on.
inline void cuda_check_nothrow(cudaError_t e, const char* expr, const char* file, int line) noexcept {
  if (e == cudaSuccess) return;
  std::fprintf(stderr, "%s:%d: %s failed: %s (%s)\n", file, line, expr, cudaGetErrorName(e),
               cudaGetErrorString(e));
}

}  // namespace myriad

#define MYRIAD_CUDA_CHECK(expr) ::myriad::cuda_check((expr), #expr, __FILE__, __LINE__)
#define MYRIAD_CUDA_CHECK_NOTHROW(expr) ::myriad::cuda_check_nothrow((expr), #expr, __FILE__, __LINE__)

// After every kernel launch: the launch error now; with MYRIAD_DEBUG_SYNC also the kernel's own
// errors, at the cost of a device-wide synchronisation.
#if defined(MYRIAD_DEBUG_SYNC)
#define MYRIAD_LAUNCH_CHECK()                          \
  do {                                                 \
    MYRIAD_CUDA_CHECK(cudaGetLastError());             \
    MYRIAD_CUDA_CHECK(cudaDeviceSynchronize());        \
  } while (0)
#else
#define MYRIAD_LAUNCH_CHECK() MYRIAD_CUDA_CHECK(cudaGetLastError())
#endif
