// rng_kernels.cu: Philox draws computed on the device for the parity test (draw_u32 of the host
// must equal the device's for every counter); declared in tests/cuda_test_fixture.hpp.
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "launch.cuh"
#include "myriad/device_buffer.hpp"
#include "myriad/rng.hpp"

namespace myriad {
namespace {

__global__ void draw_u32_kernel(int64_t m,
                                uint64_t seed,
                                const uint32_t* counters,  // in: m quadruples (id, step, stream, draw)
                                uint32_t* out)             // out: m draws
{
  for (int64_t j = gpu::thread_index(); j < m; j += gpu::thread_stride()) {
    const uint32_t* c = counters + 4 * j;
    out[j] = draw_u32(seed, c[0], c[1], static_cast<Stream>(c[2]), c[3]);
  }
}

}  // namespace

std::vector<uint32_t> cuda_draw_u32(uint64_t seed, const std::vector<uint32_t>& counters) {
  const size_t m = counters.size() / 4;
  std::vector<uint32_t> h_out(m);
  if (m == 0) return h_out;
  DeviceBuffer<uint32_t> d_counters(4 * m), d_out(m);
  MYRIAD_CUDA_CHECK(cudaMemcpy(d_counters.data(), counters.data(), d_counters.bytes(), cudaMemcpyHostToDevice));
  gpu::linear_kernel(draw_u32_kernel, 0, cudaStream_t{}, static_cast<int64_t>(m), seed,
                     static_cast<const uint32_t*>(d_counters.data()), d_out.data());
  MYRIAD_CUDA_CHECK(cudaMemcpy(h_out.data(), d_out.data(), d_out.bytes(), cudaMemcpyDeviceToHost));
  return h_out;
}

}  // namespace myriad
