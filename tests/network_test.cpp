// network_test.cpp: the CPU Q-network and the shared network rules: gradients against double-precision
// central differences, Adam and clipping by hand, soft update, a small regression, argmax/softmax.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "myriad/network.hpp"
#include "loss_host.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {
namespace {

struct TdBatch {
  std::vector<float> x, targets, mask;
  std::vector<int> actions;
};

TdBatch random_batch(const MlpShape& s, int batch, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  TdBatch t;
  for (int k = 0; k < batch * s.inputs; ++k) t.x.push_back(u(rng));
  for (int b = 0; b < batch; ++b) {
    t.actions.push_back(static_cast<int>(rng() % static_cast<unsigned>(s.outputs)));
    t.targets.push_back(2.0f * u(rng));
    t.mask.push_back(b % 5 == 3 ? 0.0f : 1.0f);
  }
  return t;
}

// Q(x, ·) of one row in double, from scratch (the reference of the checks below).
std::vector<double> reference_q(const MlpShape& s, const std::vector<double>& p, const float* x) {
  const MlpParams layout(s);
  std::vector<double> a(x, x + s.inputs);
  for (int l = 0; l < s.layers(); ++l) {
    std::vector<double> z(static_cast<size_t>(s.out_dim(l)));
    for (int o = 0; o < s.out_dim(l); ++o) {
      double acc = p[layout.bias_offset(l) + static_cast<size_t>(o)];
      for (int i = 0; i < s.in_dim(l); ++i)
        acc += p[layout.weight_offset(l) + static_cast<size_t>(o * s.in_dim(l) + i)] * a[static_cast<size_t>(i)];
      z[static_cast<size_t>(o)] = (l < s.layers() - 1 && acc < 0.0) ? 0.0 : acc;
    }
    a = z;
  }
  return a;
}

// The masked TD loss in double.
double reference_loss(const MlpShape& s, const std::vector<double>& p, const TdBatch& t, int batch) {
  double num = 0.0, den = 0.0;
  for (int b = 0; b < batch; ++b) {
    const double e = t.targets[b] - reference_q(s, p, &t.x[static_cast<size_t>(b * s.inputs)])[t.actions[b]];
    num += t.mask[b] * e * e;
    den += t.mask[b];
  }
  return num / den;
}

TEST(NetworkRules, ArgmaxSoftmaxBoltzmann) {
  const float q[4] = {1.0f, 3.0f, 3.0f, -2.0f};
  EXPECT_EQ(argmax(q, 4), 1);  // lowest index on ties
  float p[4];
  softmax(q, 4, 1.0f, p);
  EXPECT_NEAR(p[0] + p[1] + p[2] + p[3], 1.0f, 1e-6f);
  EXPECT_FLOAT_EQ(p[1], p[2]);
  EXPECT_NEAR(p[0] / p[1], std::exp(-2.0), 1e-6);
  const float big[3] = {1000.0f, 999.0f, 0.0f};  // max subtraction: no overflow
  softmax(big, 3, 1.0f, p);
  EXPECT_NEAR(p[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(boltzmann_value(q, q, 4, 1e-3f), 3.0f, 1e-5f);  // low temperature: the max
  EXPECT_NEAR(boltzmann_value(q, q, 4, 1e6f), (1.0f + 3.0f + 3.0f - 2.0f) / 4.0f, 1e-4f);  // high: the mean
}

TEST(NetworkRules, InitIsDeterministicHeUniform) {
  const MlpShape s{10, {8}, 3};
  const std::vector<float> a = init_mlp_params(s, 7), b = init_mlp_params(s, 7), c = init_mlp_params(s, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const MlpParams layout(s);
  EXPECT_EQ(layout.size(), size_t{10 * 8 + 8 + 8 * 3 + 3});
  for (int l = 0; l < s.layers(); ++l) {
    const float limit = std::sqrt(6.0f / static_cast<float>(s.in_dim(l)));
    for (size_t k = layout.weight_offset(l); k < layout.bias_offset(l); ++k) EXPECT_LE(std::fabs(a[k]), limit);
    for (int o = 0; o < s.out_dim(l); ++o) EXPECT_EQ(a[layout.bias_offset(l) + static_cast<size_t>(o)], 0.0f);
  }
  EXPECT_EQ(make_cpu_network(s, 7)->params(), a);
}

TEST(CpuNetwork, GradientMatchesCentralDifferences) {
  const MlpShape s{6, {9, 7}, 4};
  const int batch = 10;
  auto net = make_cpu_network(s, 3);
  std::vector<float> pf = net->params();
  for (size_t k = 0; k < pf.size(); ++k) pf[k] += 0.05f * std::sin(static_cast<float>(k));  // non-zero biases
  net->set_params(pf);
  const TdBatch t = random_batch(s, batch, 11);
  const float loss = td_backward_host(*net, t.x, batch, t.actions, t.targets, t.mask);
  const std::vector<float> g = net->grad();
  std::vector<double> p(pf.begin(), pf.end());
  EXPECT_NEAR(loss, reference_loss(s, p, t, batch), 1e-5 * (1.0 + loss));
  const double h = 1e-6;
  double worst = 0.0;
  for (size_t k = 0; k < p.size(); ++k) {
    const double keep = p[k];
    p[k] = keep + h;
    const double up = reference_loss(s, p, t, batch);
    p[k] = keep - h;
    const double down = reference_loss(s, p, t, batch);
    p[k] = keep;
    const double fd = (up - down) / (2.0 * h);
    const double err = std::fabs(fd - g[k]) / std::max(1e-3, std::fabs(fd) + std::fabs(g[k]));
    worst = std::max(worst, err);
    EXPECT_LT(err, 1e-2) << "parameter " << k << ": analytic " << g[k] << ", finite difference " << fd;
  }
  RecordProperty("worst_relative_error", std::to_string(worst));
  // Gradients accumulate until adam_step; an all-zero mask adds nothing.
  td_backward_host(*net, t.x, batch, t.actions, t.targets, t.mask);
  const std::vector<float> g2 = net->grad();
  for (size_t k = 0; k < g.size(); ++k) EXPECT_NEAR(g2[k], 2.0f * g[k], 1e-6f * (1.0f + std::fabs(g[k])));
  EXPECT_EQ(td_backward_host(*net, t.x, batch, t.actions, t.targets, std::vector<float>(batch, 0.0f)), 0.0f);
  EXPECT_EQ(net->grad(), g2);
}

// Q(x) = w x + b with one input and one output (no hidden layer): the Adam update by hand.
TEST(CpuNetwork, AdamStepByHand) {
  auto net = make_cpu_network(MlpShape{1, {}, 1}, 1);
  net->adam() = AdamConfig{0.1f, 0.9f, 0.999f, 1e-8f, 10.0f};
  net->set_params({0.5f, 0.0f});  // w, b
  const std::vector<float> x{0.0f};  // x = 0: only b has a gradient, dL/db = -2 (y - b)
  double b = 0.0, m = 0.0, v = 0.0;
  for (int t = 1; t <= 3; ++t) {
    td_backward_host(*net, x, 1, {0}, {1.0f}, {});
    const double g = -2.0 * (1.0 - b);
    EXPECT_NEAR(net->grad()[1], g, 1e-6);
    net->adam_step();
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    const double m_hat = m / (1.0 - std::pow(0.9, t)), v_hat = v / (1.0 - std::pow(0.999, t));
    b -= 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8);
    EXPECT_NEAR(net->params()[1], b, 1e-6) << "step " << t;
    EXPECT_EQ(net->params()[0], 0.5f);  // zero gradient: no move
    EXPECT_EQ(net->grad()[1], 0.0f);    // zeroed by the step
    EXPECT_EQ(net->step(), t);
  }
  EXPECT_NEAR(b, 0.3, 0.01);  // the first steps of Adam move by about lr each
}

TEST(CpuNetwork, ClipsByGlobalNorm) {
  auto net = make_cpu_network(MlpShape{1, {}, 1}, 1);
  net->adam() = AdamConfig{1.0f, 0.9f, 0.999f, 1.0f, 1.0f};  // eps 1: the first step sees the scale
  net->set_params({0.0f, 0.0f});
  td_backward_host(*net, {2.0f}, 1, {0}, {1.0f}, {});  // dL/dQ = -2: g_w = -4, g_b = -2, norm sqrt(20)
  net->adam_step();
  EXPECT_NEAR(net->last_grad_norm(), std::sqrt(20.0), 1e-5);
  const double s = 1.0 / std::sqrt(20.0);
  const auto first_step = [](double g) { return -g / (std::fabs(g) + 1.0); };  // m̂ = g, √v̂ = |g|
  EXPECT_NEAR(net->params()[0], first_step(-4.0 * s), 1e-6);
  EXPECT_NEAR(net->params()[1], first_step(-2.0 * s), 1e-6);
}

TEST(CpuNetwork, SoftUpdateAndCopy) {
  const MlpShape s{5, {6}, 3};
  auto online = make_cpu_network(s, 1), target = make_cpu_network(s, 2);
  std::vector<float> po = online->params();
  for (size_t k = 0; k < po.size(); ++k) po[k] += 0.5f;  // biases differ too
  online->set_params(po);
  const std::vector<float> pt = target->params();
  target->soft_update_from(*online, 0.25f);
  const std::vector<float> after = target->params();
  for (size_t k = 0; k < pt.size(); ++k) EXPECT_NEAR(after[k], pt[k] + 0.25 * (po[k] - pt[k]), 1e-6);
  target->copy_from(*online);
  EXPECT_EQ(target->params(), po);
  EXPECT_THROW(target->soft_update_from(*make_cpu_network(MlpShape{5, {7}, 3}, 1), 0.1f), std::invalid_argument);
  EXPECT_THROW(target->set_params(std::vector<float>(3)), std::invalid_argument);
}

TEST(CpuNetwork, ForwardMatchesReference) {
  const MlpShape s{7, {5, 4}, 3};
  auto net = make_cpu_network(s, 9);
  const int batch = 37;  // not a multiple of the row block
  const TdBatch t = random_batch(s, batch, 5);
  const std::vector<float> q = net->forward_host(t.x, batch);
  const std::vector<float> pf = net->params();
  const std::vector<double> p(pf.begin(), pf.end());
  for (int b = 0; b < batch; ++b) {
    const std::vector<double> ref = reference_q(s, p, &t.x[static_cast<size_t>(b * s.inputs)]);
    for (int a = 0; a < s.outputs; ++a) EXPECT_NEAR(q[static_cast<size_t>(b * s.outputs + a)], ref[a], 1e-5);
  }
}

TEST(CpuNetwork, RegressionLossFalls) {
  const MlpShape s{4, {32, 32}, 3};
  auto net = make_cpu_network(s, 21);
  net->adam() = AdamConfig{3e-3f, 0.9f, 0.999f, 1e-8f, 10.0f};
  const int batch = 64;
  TdBatch t = random_batch(s, batch, 2);
  for (int b = 0; b < batch; ++b)  // a smooth function of x and the action
    t.targets[b] = std::sin(2.0f * t.x[b * 4]) + 0.5f * t.x[b * 4 + 1] * static_cast<float>(t.actions[b] - 1);
  const float first = td_backward_host(*net, t.x, batch, t.actions, t.targets, t.mask);
  net->adam_step();
  float last = first;
  for (int k = 1; k < 300; ++k) {
    last = td_backward_host(*net, t.x, batch, t.actions, t.targets, t.mask);
    net->adam_step();
  }
  EXPECT_LT(last, first / 10.0f) << "first loss " << first << ", after 300 steps " << last;
  RecordProperty("loss_ratio", std::to_string(first / last));
}

}  // namespace
}  // namespace myriad
