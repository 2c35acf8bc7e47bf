// cuda_replay_test.cpp: the CUDA replay buffer against the CPU one fed the same transitions (stored
// bits after wrap-around, sampled batches per (seed, draw)); skips without a device (CudaTest).
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/replay.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

class CudaReplay : public CudaTest {};

HostTransitions random_transitions(const ReplayShape& s, int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  HostTransitions h;
  auto fill = [&](std::vector<float>& v, int64_t w, bool binary) {
    for (int64_t k = 0; k < n * w; ++k) v.push_back(binary && k % 3 != 0 ? static_cast<float>(rng() % 2) : u(rng));
  };
  fill(h.obs, s.view_size, true), fill(h.next_obs, s.view_size, true);
  fill(h.features, s.n_features, false), fill(h.next_features, s.n_features, false);
  fill(h.mean, s.n_actions, false), fill(h.next_mean, s.n_actions, false), fill(h.reward, 1, false);
  for (int64_t t = 0; t < n; ++t) {
    h.action.push_back(static_cast<uint8_t>(rng() % static_cast<unsigned>(s.n_actions)));
    h.done.push_back(static_cast<uint8_t>(rng() % 2));
  }
  return h;
}

void expect_same(const HostReplayBatch& a, const HostReplayBatch& b) {
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.x_next, b.x_next);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.reward, b.reward);
  EXPECT_EQ(a.done, b.done);
}

TEST_F(CudaReplay, MatchesCpuAfterWrapAround) {
  const ReplayShape s{845, 32, 21};
  const int64_t cap = 300;
  const auto cpu = std::make_unique<ReplayBuffer>(test::cpu_backend(), s, cap);
  const auto gpu = std::make_unique<ReplayBuffer>(test::cuda_backend(), s, cap);
  EXPECT_EQ(gpu->capacity_bytes(), cpu->capacity_bytes());
  for (int64_t n : {100, 250, 70, 400}) {  // wraps, and the last batch overflows the ring
    const HostTransitions t = random_transitions(s, n, static_cast<unsigned>(n));
    cpu->append_host(t);
    gpu->append_host(t);
    ASSERT_EQ(gpu->size(), cpu->size());
    ASSERT_EQ(gpu->head(), cpu->head());
  }
  std::vector<int64_t> all(static_cast<size_t>(cap));
  for (int64_t i = 0; i < cap; ++i) all[static_cast<size_t>(i)] = i;
  expect_same(cpu->gather_host(all), gpu->gather_host(all));
  for (uint32_t draw : {0u, 1u, 17u}) expect_same(cpu->sample_host(256, 5, draw), gpu->sample_host(256, 5, draw));
}

TEST_F(CudaReplay, EmptySampleThrows) {
  const auto gpu = std::make_unique<ReplayBuffer>(test::cuda_backend(), ReplayShape{4, 2, 3}, 8);
  EXPECT_THROW(gpu->sample_host(4, 1, 0), std::runtime_error);
}

}  // namespace
}  // namespace myriad
