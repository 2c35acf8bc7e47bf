// cuda_test_fixture.hpp: CudaTest, the fixture of every GPU test: it skips (never fails) when no
// CUDA device answers, so the suite passes on build machines that have nvcc but no GPU.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/world.hpp"

class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!myriad::cuda_device_available()) GTEST_SKIP() << "no CUDA device answers on this machine";
  }
};

#if defined(MYRIAD_HAVE_CUDA)
namespace myriad {
// Defined in kernels/rng_kernels.cu: draw_u32(seed, id, step, stream, draw) computed on the device of
// a CUDA backend for each quadruple (id, step, stream, draw) of `counters`; for the Philox parity test.
std::vector<uint32_t> cuda_draw_u32(Backend& backend, uint64_t seed, const std::vector<uint32_t>& counters);
}  // namespace myriad
#endif
