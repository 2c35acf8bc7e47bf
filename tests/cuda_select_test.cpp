// cuda_select_test.cpp: action selection on the device against the CPU loop (same rule, same draws);
// skips without a device (CudaTest). Boltzmann may differ only at CDF boundaries (expf ulps).
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/select.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

class CudaSelect : public CudaTest {};

std::vector<float> random_q(int64_t n, int stride, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> q(static_cast<size_t>(n) * static_cast<size_t>(stride));
  for (size_t k = 0; k < q.size(); ++k) q[k] = k % 5 == 0 ? 0.5f : g(rng);  // some ties
  return q;
}

int64_t mismatches(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  int64_t m = 0;
  for (size_t i = 0; i < a.size(); ++i) m += a[i] != b[i] ? 1 : 0;
  return m;
}

TEST_F(CudaSelect, MatchesCpu) {
  const int64_t n = 100000;
  const int k = 21, stride = 24;
  const std::vector<float> q = random_q(n, stride, 11);
  std::vector<uint32_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = static_cast<uint32_t>(3 * i + 1);
  for (SelectMode mode : {SelectMode::kGreedy, SelectMode::kEpsilonGreedy, SelectMode::kBoltzmann}) {
    for (float t : {1.0f, 0.1f}) {
      SelectParams p;
      p.mode = mode;
      p.n_actions = k;
      p.stride = stride;
      p.temperature = t;
      p.epsilon = 0.3f;
      p.seed = 1234;
      p.step = 99;
      const auto cpu = select_actions_host(test::cpu_backend(), p, q, n, ids);
      const auto gpu = select_actions_host(test::cuda_backend(), p, q, n, ids);
      ASSERT_EQ(cpu.size(), gpu.size());
      if (mode == SelectMode::kBoltzmann) {
        EXPECT_LE(mismatches(cpu, gpu), 5) << "T = " << t;  // draws within a few ulp of a CDF boundary
      } else {
        EXPECT_EQ(mismatches(cpu, gpu), 0) << static_cast<int>(mode);
      }
    }
  }
}

}  // namespace
}  // namespace myriad
