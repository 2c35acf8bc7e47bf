// loss_test.cpp: the losses as rules (rules/loss.hpp) and the network's backward of an output gradient,
// each against central finite differences; the actor-critic target's expectation; the learn program's
// loss operations on the CPU against the rules, and against the CUDA backend where a device answers.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/engine/learn_program.hpp"
#include "myriad/network.hpp"
#include "myriad/rules/loss.hpp"
#include "myriad/rules/td.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

std::vector<float> uniform(size_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(g);
  return v;
}

// The actor's loss of one row as a function of its logits z, in double: sampled, w·(−a0·log π_a − β·H) with
// the advantage held at a0 (the rule treats the critic as a constant, and A as a weight of log π);
// expected, w·(−Σ_j π_j q_j − β·H).
double actor_loss(const std::vector<double>& z, const std::vector<float>& q, int a, double a0, double beta, double w,
                  ActorGradient form) {
  double m = z[0];
  for (double v : z) m = std::max(m, v);
  double s = 0;
  for (double v : z) s += std::exp(v - m);
  const double ls = std::log(s);
  double h = 0, value = 0;
  for (size_t j = 0; j < z.size(); ++j) {
    const double lp = z[j] - m - ls;
    h -= std::exp(lp) * lp;
    value += std::exp(lp) * q[j];
  }
  const double pg = form == ActorGradient::kSampled ? -a0 * (z[static_cast<size_t>(a)] - m - ls) : -value;
  return w * (pg - beta * h);
}

TEST(PolicyLoss, GradientMatchesFiniteDifferences) {
  const int k = 7;
  for (ActorGradient form : {ActorGradient::kSampled, ActorGradient::kExpected})
    for (uint32_t seed = 1; seed <= 20; ++seed) {
      const std::vector<float> z = uniform(k, seed, -2.0f, 2.0f), q = uniform(k, seed + 100, -1.0f, 1.0f);
      const int a = static_cast<int>(seed % k);
      PolicyLossParams p;
      p.n_actions = k;
      p.entropy_coef = seed % 2 ? 0.05f : 0.8f;
      p.weight = 0.25f;
      p.form = form;
      std::vector<float> dz(k), pg(1), ent(1);
      const int act[1] = {a};
      policy_loss_row(p, 0, z.data(), q.data(), act, dz.data(), pg.data(), ent.data());
      // The advantage the rule used: Q(a) − Σ π Q.
      double m = z[0], s = 0;
      for (float v : z) m = std::max(m, static_cast<double>(v));
      for (float v : z) s += std::exp(v - m);
      double vq = 0, h = 0;
      for (int j = 0; j < k; ++j) {
        const double pj = std::exp(z[static_cast<size_t>(j)] - m) / s;
        vq += pj * q[static_cast<size_t>(j)];
        h -= pj * std::log(pj);
      }
      const double a0 = q[static_cast<size_t>(a)] - vq;
      EXPECT_NEAR(ent[0], h, 1e-5);
      EXPECT_NEAR(pg[0], form == ActorGradient::kSampled ? -a0 * (z[static_cast<size_t>(a)] - m - std::log(s)) : -vq,
                  1e-5);
      for (int j = 0; j < k; ++j) {
        std::vector<double> zp(z.begin(), z.end()), zm(z.begin(), z.end());
        const double eps = 1e-4;
        zp[static_cast<size_t>(j)] += eps;
        zm[static_cast<size_t>(j)] -= eps;
        const double fd = (actor_loss(zp, q, a, a0, p.entropy_coef, p.weight, form) -
                           actor_loss(zm, q, a, a0, p.entropy_coef, p.weight, form)) /
                          (2 * eps);
        EXPECT_NEAR(dz[static_cast<size_t>(j)], fd, 2e-5) << "seed " << seed << " logit " << j;
      }
    }
}

TEST(PolicyLoss, TheGradientRaisesAnActionWithAPositiveAdvantage) {
  const int k = 4;
  const std::vector<float> z(k, 0.0f), q = {0.0f, 1.0f, 0.0f, 0.0f};  // action 1 is worth more than π's mean
  PolicyLossParams p;
  p.n_actions = k;
  p.entropy_coef = 0.0f;
  p.form = ActorGradient::kSampled;
  std::vector<float> dz(k), pg(1), ent(1);
  const int up[1] = {1}, down[1] = {0};
  policy_loss_row(p, 0, z.data(), q.data(), up, dz.data(), pg.data(), ent.data());
  EXPECT_LT(dz[1], 0.0f) << "descending the loss raises the logit of an action better than the mean";
  policy_loss_row(p, 0, z.data(), q.data(), down, dz.data(), pg.data(), ent.data());
  EXPECT_GT(dz[0], 0.0f) << "and lowers one worse than the mean";
  EXPECT_NEAR(ent[0], std::log(4.0), 1e-6);
}

TEST(TdLoss, RowIsTheMeanSquaredErrorAtTheActionTaken) {
  const int k = 5;
  const std::vector<float> q = uniform(2 * k, 3, -1.0f, 1.0f), y = {0.5f, -0.25f};
  const int a[2] = {3, 0};
  std::vector<float> dz(2 * k, 9.0f), terms(2);
  const float inv = masked_mean_inverse(2.0f);
  for (int b = 0; b < 2; ++b) td_loss_row(b, k, q.data(), a, y.data(), inv, dz.data(), terms.data());
  for (int b = 0; b < 2; ++b)
    for (int j = 0; j < k; ++j) {
      const float qa = q[static_cast<size_t>(b * k + a[b])];
      const float want = j == a[b] ? -2.0f * (y[static_cast<size_t>(b)] - qa) * 0.5f : 0.0f;
      EXPECT_FLOAT_EQ(dz[static_cast<size_t>(b * k + j)], want);
      if (j == a[b]) EXPECT_FLOAT_EQ(terms[static_cast<size_t>(b)], (y[static_cast<size_t>(b)] - qa) * (y[static_cast<size_t>(b)] - qa));
    }
  const int bad[1] = {k};  // an action out of range contributes nothing
  td_loss_row(0, k, q.data(), bad, y.data(), inv, dz.data(), terms.data());
  EXPECT_EQ(terms[0], 0.0f);
  for (int j = 0; j < k; ++j) EXPECT_EQ(dz[static_cast<size_t>(j)], 0.0f);
}

TEST(TdTargets, PolicyTargetIsTheTargetActorsExpectation) {
  const std::vector<float> logits = {0.0f, std::log(3.0f), -30.0f}, q = {1.0f, 2.0f, 100.0f};
  TdParams p;
  p.kind = TargetKind::kPolicy;
  p.n_actions = 3;
  p.gamma = 0.5f;
  // π ≈ (1/4, 3/4, ~0): v = 1/4 + 3/2 = 1.75.
  EXPECT_NEAR(td_target(p, 1.0f, 0.0f, q.data(), logits.data()), 1.0f + 0.5f * 1.75f, 1e-5);
  EXPECT_EQ(td_target(p, 1.0f, 1.0f, q.data(), logits.data()), 1.0f) << "a terminal sample ignores v";
}

// Σ_b Σ_o d[b][o]·y[b][o] of the network's outputs on x, in double through forward_host.
double weighted_outputs(Network& net, const std::vector<float>& x, int batch, const std::vector<float>& d) {
  const std::vector<float> y = net.forward_host(x, batch);
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += static_cast<double>(d[i]) * y[i];
  return s;
}

TEST(NetworkBackward, ParameterGradientMatchesFiniteDifferences) {
  MlpShape shape;
  shape.inputs = 6;
  shape.hidden = {5, 4};
  shape.outputs = 3;
  auto net = make_network(test::cpu_backend(), shape, 11);
  const int batch = 4;
  const std::vector<float> x = uniform(static_cast<size_t>(batch * shape.inputs), 5, -1.0f, 1.0f);
  const std::vector<float> d = uniform(static_cast<size_t>(batch * shape.outputs), 6, -1.0f, 1.0f);
  net->zero_grad();
  net->forward_backward_host(x, batch, d);
  const std::vector<float> g = net->grad(), p0 = net->params();
  // Central differences at two steps: where they disagree a ReLU kink lies within the step (the
  // function is not smooth there) and the parameter is skipped; at most a tenth may be.
  auto central = [&](size_t i, float eps) {
    std::vector<float> p = p0;
    p[i] = p0[i] + eps;
    net->set_params(p);
    const double up = weighted_outputs(*net, x, batch, d);
    p[i] = p0[i] - eps;
    net->set_params(p);
    return (up - weighted_outputs(*net, x, batch, d)) / (2.0 * eps);
  };
  int checked = 0, kinks = 0;
  for (size_t i = 0; i < p0.size(); i += 3) {
    const double fd = central(i, 2e-3f), fd_half = central(i, 1e-3f);
    if (std::fabs(fd - fd_half) > 1e-3 + 1e-3 * std::fabs(fd)) {
      ++kinks;
      continue;
    }
    EXPECT_NEAR(g[i], fd, 2e-3 + 2e-3 * std::fabs(fd)) << "parameter " << i;
    ++checked;
  }
  EXPECT_LE(kinks * 10, checked) << "too many kinks for a meaningful check";
  EXPECT_GT(checked, 20);
  net->set_params(p0);
}

TEST(NetworkBackward, AccumulatesUntilAdamOrZeroGrad) {
  MlpShape shape;
  shape.inputs = 3;
  shape.hidden = {4};
  shape.outputs = 2;
  auto net = make_network(test::cpu_backend(), shape, 2);
  const std::vector<float> x = uniform(6, 1, -1.0f, 1.0f), d = uniform(4, 2, -1.0f, 1.0f);
  net->forward_backward_host(x, 2, d);
  const std::vector<float> once = net->grad();
  net->forward_backward_host(x, 2, d);
  const std::vector<float> twice = net->grad();
  for (size_t i = 0; i < once.size(); ++i) EXPECT_FLOAT_EQ(twice[i], 2.0f * once[i]);
  net->zero_grad();
  for (float v : net->grad()) EXPECT_EQ(v, 0.0f);
}

// The learn program's loss operations over a batch: the rules row by row, the sums in index order.
struct LossBatch {
  int batch = 37, k = 9;
  std::vector<float> q, logits, y;
  std::vector<int> actions;
  LossBatch() {
    q = uniform(static_cast<size_t>(batch * k), 21, -1.0f, 1.0f);
    logits = uniform(static_cast<size_t>(batch * k), 22, -3.0f, 3.0f);
    y = uniform(static_cast<size_t>(batch), 23, -1.0f, 1.0f);
    for (int b = 0; b < batch; ++b) actions.push_back((b * 5) % k);
  }
};

struct LossOutputs {
  std::vector<float> dq, dpi, terms, pg, ent, copied;
  double td_sum[2] = {0, 0}, pg_sum[2] = {0, 0};
};

// Runs the four operations on backend `be` (device memory on CUDA) and copies the results back.
LossOutputs run_losses(Backend& be, const LossBatch& in) {
  const size_t bk = static_cast<size_t>(in.batch * in.k), b = static_cast<size_t>(in.batch);
  Buffer<float> q(be, bk), logits(be, bk), y(be, b), dq(be, bk), dpi(be, bk), terms(be, b), pg(be, b), ent(be, b),
      copied(be, b * 4);
  Buffer<int> act(be, b);
  Buffer<double> sums(be, 4);
  be.from_host(q.data(), in.q.data(), bk * 4);
  be.from_host(logits.data(), in.logits.data(), bk * 4);
  be.from_host(y.data(), in.y.data(), b * 4);
  be.from_host(act.data(), in.actions.data(), b * 4);
  const LearnProgram& learn = be.learn();
  const float inv = 1.0f / static_cast<float>(in.batch);
  learn.td_loss(in.batch, in.k, q.data(), act.data(), y.data(), inv, dq.data(), terms.data());
  learn.sum_terms(terms.data(), in.batch, sums.data());
  PolicyLossParams p;
  p.n_actions = in.k;
  p.entropy_coef = 0.1f;
  p.weight = inv;
  learn.policy_loss(p, in.batch, logits.data(), q.data(), act.data(), dpi.data(), pg.data(), ent.data());
  learn.sum_terms(pg.data(), in.batch, sums.data() + 2);
  learn.copy_columns(q.data(), in.k, in.batch, 4, copied.data());
  LossOutputs o;
  o.dq = dq.to_vector();
  o.dpi = dpi.to_vector();
  o.terms = terms.to_vector();
  o.pg = pg.to_vector();
  o.ent = ent.to_vector();
  o.copied = copied.to_vector();
  const std::vector<double> s = sums.to_vector();
  o.td_sum[0] = s[0];
  o.td_sum[1] = s[1];
  o.pg_sum[0] = s[2];
  o.pg_sum[1] = s[3];
  return o;
}

TEST(LearnProgramLosses, CpuRunsTheRulesRowByRow) {
  const LossBatch in;
  const LossOutputs o = run_losses(test::cpu_backend(), in);
  double td = 0;
  for (int b = 0; b < in.batch; ++b) {
    std::vector<float> dz(static_cast<size_t>(in.k)), t(1);
    const int a[1] = {in.actions[static_cast<size_t>(b)]};
    const float yy[1] = {in.y[static_cast<size_t>(b)]};
    td_loss_row(0, in.k, in.q.data() + b * in.k, a, yy, 1.0f / static_cast<float>(in.batch), dz.data(), t.data());
    td += t[0];
    for (int j = 0; j < in.k; ++j) ASSERT_EQ(o.dq[static_cast<size_t>(b * in.k + j)], dz[static_cast<size_t>(j)]);
    for (int c = 0; c < 4; ++c) ASSERT_EQ(o.copied[static_cast<size_t>(b * 4 + c)], in.q[static_cast<size_t>(b * in.k + c)]);
  }
  EXPECT_EQ(o.td_sum[0], td) << "the CPU sums in index order, in double";
  EXPECT_EQ(o.td_sum[1], in.batch);
  for (float e : o.ent) EXPECT_GT(e, 0.0f);
}

class LearnProgramLossesCudaTest : public CudaTest {};

// The same rules on the device: the element-wise gradients within a few ulps (expf/logf differ between
// the host's and the device's libraries), the sums within their summation order's rounding.
TEST_F(LearnProgramLossesCudaTest, CudaMatchesCpu) {
  const LossBatch in;
  const LossOutputs c = run_losses(test::cpu_backend(), in), g = run_losses(test::cuda_backend(), in);
  for (size_t i = 0; i < c.dq.size(); ++i) EXPECT_EQ(g.dq[i], c.dq[i]) << i;  // no transcendental: bit-equal
  for (size_t i = 0; i < c.dpi.size(); ++i) EXPECT_NEAR(g.dpi[i], c.dpi[i], 1e-6f + 1e-5f * std::fabs(c.dpi[i])) << i;
  for (size_t i = 0; i < c.pg.size(); ++i) EXPECT_NEAR(g.pg[i], c.pg[i], 1e-5f + 1e-5f * std::fabs(c.pg[i])) << i;
  for (size_t i = 0; i < c.ent.size(); ++i) EXPECT_NEAR(g.ent[i], c.ent[i], 1e-5f) << i;
  EXPECT_EQ(g.copied, c.copied);
  EXPECT_NEAR(g.td_sum[0], c.td_sum[0], 1e-9 * in.batch);
  EXPECT_EQ(g.td_sum[1], c.td_sum[1]);
  EXPECT_NEAR(g.pg_sum[0], c.pg_sum[0], 1e-4);
}

class NetworkBackwardCudaTest : public CudaTest {};

// backward of one output gradient on both backends (FP32 math): the accumulated gradients agree to the
// products' summation order.
TEST_F(NetworkBackwardCudaTest, CudaGradientMatchesCpu) {
  MlpShape shape;
  shape.inputs = 40;
  shape.hidden = {32, 16};
  shape.outputs = 9;
  auto cpu = make_network(test::cpu_backend(), shape, 4), gpu = make_network(test::cuda_backend(), shape, 4);
  const int batch = 33;
  const std::vector<float> x = uniform(static_cast<size_t>(batch * shape.inputs), 8, -1.0f, 1.0f);
  const std::vector<float> d = uniform(static_cast<size_t>(batch * shape.outputs), 9, -1.0f, 1.0f);
  cpu->forward_backward_host(x, batch, d);
  gpu->forward_backward_host(x, batch, d);
  const std::vector<float> gc = cpu->grad(), gg = gpu->grad();
  ASSERT_EQ(gc.size(), gg.size());
  for (size_t i = 0; i < gc.size(); ++i) EXPECT_NEAR(gg[i], gc[i], 1e-4f + 1e-4f * std::fabs(gc[i])) << i;
}

}  // namespace
}  // namespace myriad
