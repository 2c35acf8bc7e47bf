// rng_kernels.cu: Philox draws computed on the device for the parity test (draw_u32 of the host
// must equal the device's for every counter); declared in tests/cuda_test_fixture.hpp.
#include <cstdint>
#include <vector>

#include "cuda_exec.cuh"
#include "myriad/backend.hpp"
#include "myriad/rng.hpp"

namespace myriad {

std::vector<uint32_t> cuda_draw_u32(Backend& backend, uint64_t seed, const std::vector<uint32_t>& counters) {
  const size_t m = counters.size() / 4;
  if (m == 0) return {};
  Buffer<uint32_t> d_counters(backend, 4 * m), d_out(backend, m);
  d_counters.upload(std::vector<uint32_t>(counters.begin(), counters.begin() + static_cast<std::ptrdiff_t>(4 * m)));
  const uint32_t* c = d_counters.data();
  uint32_t* out = d_out.data();
  gpu::CudaExec{static_cast<cudaStream_t>(backend.stream())}.for_each(
      static_cast<int64_t>(m),
      MYRIAD_LAMBDA(int64_t j) { out[j] = draw_u32(seed, c[4 * j], c[4 * j + 1], static_cast<Stream>(c[4 * j + 2]), c[4 * j + 3]); });
  return d_out.to_vector();
}

}  // namespace myriad
