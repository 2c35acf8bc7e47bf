// cuda_network_test.cpp: the CUDA Q-network against the CPU reference from the same seed (init bits,
// forward, loss, gradient, one Adam step, soft update); skips without a device (CudaTest).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/network.hpp"
#include "loss_host.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

// Network floats match within tolerance, not bit for bit (cuBLAS sums in another order):
// |cpu - cuda| <= rel · (|cpu| + mean |cpu|) + abs, the mean making near-zero values comparable.
std::string compare(const char* what, const std::vector<float>& cpu, const std::vector<float>& gpu, double rel,
                    double abs = 0.0) {
  if (cpu.size() != gpu.size()) return std::string(what) + ": sizes differ";
  double mean = 0.0;
  for (float c : cpu) mean += std::fabs(c);
  mean /= static_cast<double>(std::max<size_t>(1, cpu.size()));
  int shown = 0;
  std::string out;
  for (size_t k = 0; k < cpu.size(); ++k) {
    if (std::fabs(static_cast<double>(cpu[k]) - gpu[k]) <= rel * (std::fabs(cpu[k]) + mean) + abs) continue;
    if (shown++ < 5)
      out += std::string(what) + "[" + std::to_string(k) + "]: cpu " + std::to_string(cpu[k]) + ", cuda " +
             std::to_string(gpu[k]) + "\n";
  }
  if (shown > 0) out += std::to_string(shown) + " mismatches of " + std::to_string(cpu.size());
  return out;
}

struct Batch {
  std::vector<float> x, targets, mask;
  std::vector<int> actions;
};

Batch make_batch(const MlpShape& s, int batch, unsigned seed, bool sparse = true) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Batch t;
  for (int k = 0; k < batch * s.inputs; ++k) t.x.push_back(sparse && u(rng) < 0.7f ? 0.0f : u(rng));  // sparse, like views
  for (int b = 0; b < batch; ++b) {
    t.actions.push_back(static_cast<int>(rng() % static_cast<unsigned>(s.outputs)));
    t.targets.push_back(4.0f * u(rng) - 2.0f);
    t.mask.push_back(b % 7 == 0 ? 0.0f : 1.0f);
  }
  return t;
}

const MlpShape kBattleShape{845 + 32 + 21, {128, 64}, 21};  // performance.md

TEST(CudaBackendAbsent, FactoryThrowsWithoutDevice) {
  if (cuda_device_available()) GTEST_SKIP() << "a device answers";
  EXPECT_THROW(make_cuda_backend(), std::runtime_error);
}

class CudaNetworkTest : public CudaTest {};

TEST_F(CudaNetworkTest, SameInitAndForwardAsCpu) {
  auto cpu = make_cpu_network(kBattleShape, 42);
  auto gpu = make_cuda_network(test::cuda_backend(), kBattleShape, 42);
  ASSERT_TRUE(gpu->on_device());
  EXPECT_EQ(cpu->params(), gpu->params());  // identical bits: init is computed on the host
  for (int batch : {1, 300}) {
    const Batch t = make_batch(kBattleShape, batch, 3);
    const std::string d = compare("q", cpu->forward_host(t.x, batch), gpu->forward_host(t.x, batch), 1e-4);
    EXPECT_TRUE(d.empty()) << "batch " << batch << "\n" << d;
  }
}

TEST_F(CudaNetworkTest, OneUpdateMatchesCpu) {
  auto cpu = make_cpu_network(kBattleShape, 7);
  auto gpu = make_cuda_network(test::cuda_backend(), kBattleShape, 7);
  const int batch = 512;
  const Batch t = make_batch(kBattleShape, batch, 9);
  const float loss_c = td_backward_host(*cpu, t.x, batch, t.actions, t.targets, t.mask);
  const float loss_g = td_backward_host(*gpu, t.x, batch, t.actions, t.targets, t.mask);
  EXPECT_NEAR(loss_g, loss_c, 1e-4 * std::fabs(loss_c));
  const std::string dg = compare("grad", cpu->grad(), gpu->grad(), 1e-4);
  EXPECT_TRUE(dg.empty()) << dg;
  cpu->adam_step();
  gpu->adam_step();
  EXPECT_NEAR(gpu->last_grad_norm(), cpu->last_grad_norm(), 1e-4 * cpu->last_grad_norm());
  // Adam divides by √v̂: a gradient that is rounding noise (|g| ~ eps) may step by up to lr either
  // way, so a few parameters (<= 1e-4 of them) may differ by up to 2 lr; the rest within 1e-4 + lr/10.
  const double lr = cpu->adam().lr;
  const std::vector<float> pc = cpu->params(), pg = gpu->params();
  const std::string dp = compare("param", pc, pg, 1e-4, 2.01 * lr);
  EXPECT_TRUE(dp.empty()) << dp;
  size_t loose = 0;
  for (size_t k = 0; k < pc.size(); ++k) loose += std::fabs(pc[k] - pg[k]) > 0.1 * lr + 1e-4 * std::fabs(pc[k]);
  EXPECT_LE(loose, pc.size() / 10000) << loose << " parameters differ by more than lr / 10";
  const std::string dz = compare("grad after step", cpu->grad(), gpu->grad(), 0.0);
  EXPECT_TRUE(dz.empty()) << dz;  // both zeroed
  // Soft update of a target copy, and the masked-out loss.
  auto cpu_t = make_cpu_network(kBattleShape, 8);
  auto gpu_t = make_cuda_network(test::cuda_backend(), kBattleShape, 8);
  cpu_t->soft_update_from(*cpu, 0.005f);
  gpu_t->soft_update_from(*gpu, 0.005f);
  const std::string ds = compare("target", cpu_t->params(), gpu_t->params(), 1e-4, 0.1 * lr);
  EXPECT_TRUE(ds.empty()) << ds;
  EXPECT_EQ(td_backward_host(*gpu, t.x, batch, t.actions, t.targets, std::vector<float>(batch, 0.0f)), 0.0f);
}

TEST(NetMath, NamesParseBack) {
  for (NetMath m : {NetMath::kFp32, NetMath::kTf32}) EXPECT_EQ(parse_net_math(net_math_name(m)), m);
  EXPECT_THROW(parse_net_math("fp16"), std::invalid_argument);
}

// TF32 rounds each product's inputs to 10 mantissa bits (relative 2^-11 per input): over the 898
// terms of a row the error stays near 1e-3 of the row's scale. The tolerance is 1e-2 of it.
TEST_F(CudaNetworkTest, Tf32ForwardAndUpdateStayCloseToCpu) {
  auto cpu = make_cpu_network(kBattleShape, 42);
  auto gpu = make_cuda_network(test::cuda_backend(), kBattleShape, 42, NetMath::kTf32);
  const int batch = 512;
  const Batch t = make_batch(kBattleShape, batch, 3);
  const std::string d = compare("q", cpu->forward_host(t.x, batch), gpu->forward_host(t.x, batch), 1e-2);
  EXPECT_TRUE(d.empty()) << d;
  const float loss_c = td_backward_host(*cpu, t.x, batch, t.actions, t.targets, t.mask);
  const float loss_g = td_backward_host(*gpu, t.x, batch, t.actions, t.targets, t.mask);
  EXPECT_NEAR(loss_g, loss_c, 1e-2 * std::fabs(loss_c));
  const std::string dg = compare("grad", cpu->grad(), gpu->grad(), 2e-2);
  EXPECT_TRUE(dg.empty()) << dg;
}

TEST_F(CudaNetworkTest, RegressionLossFalls) {
  const MlpShape s{4, {32, 32}, 3};
  auto gpu = make_cuda_network(test::cuda_backend(), s, 21);
  gpu->adam() = AdamConfig{3e-3f, 0.9f, 0.999f, 1e-8f, 10.0f};
  const int batch = 64;
  Batch t = make_batch(s, batch, 2, false);
  for (int b = 0; b < batch; ++b)
    t.targets[b] = std::sin(3.0f * t.x[b * 4]) + 0.5f * t.x[b * 4 + 1] * static_cast<float>(t.actions[b] - 1);
  const float first = td_backward_host(*gpu, t.x, batch, t.actions, t.targets, t.mask);
  gpu->adam_step();
  float last = first;
  for (int k = 1; k < 300; ++k) {
    last = td_backward_host(*gpu, t.x, batch, t.actions, t.targets, t.mask);
    gpu->adam_step();
  }
  EXPECT_LT(last, first / 10.0f) << "first loss " << first << ", after 300 steps " << last;
}

}  // namespace
}  // namespace myriad
