// cuda_test_fixture.hpp: CudaTest, the fixture of every GPU test: it skips (never fails) when no
// CUDA device answers, so the suite passes on build machines that have nvcc but no GPU.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/world.hpp"

// Skips the calling test when no CUDA device answers; with MYRIAD_REQUIRE_CUDA=1 in the environment
// (scripts/gpu_check.sh on a GPU machine) a missing device fails it instead, so a GPU check cannot
// pass by skipping.
#define MYRIAD_SKIP_WITHOUT_CUDA()                                                               \
  do {                                                                                           \
    if (!myriad::cuda_device_available()) {                                                      \
      const char* require = std::getenv("MYRIAD_REQUIRE_CUDA");                                  \
      if (require != nullptr && std::string(require) == "1")                                    \
        FAIL() << "MYRIAD_REQUIRE_CUDA=1 but no CUDA device answers";                            \
      GTEST_SKIP() << "no CUDA device answers on this machine";                                  \
    }                                                                                            \
  } while (0)

class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override { MYRIAD_SKIP_WITHOUT_CUDA(); }
};

#if defined(MYRIAD_HAVE_CUDA)
namespace myriad {
// Defined in kernels/rng_kernels.cu: draw_u32(seed, id, step, stream, draw) computed on the device of
// a CUDA backend for each quadruple (id, step, stream, draw) of `counters`; for the Philox parity test.
std::vector<uint32_t> cuda_draw_u32(Backend& backend, uint64_t seed, const std::vector<uint32_t>& counters);
}  // namespace myriad
#endif
