// select_test.cpp: action selection rules and launchers on the CPU (greedy ties, Boltzmann frequencies
// against softmax by chi-square, ε-greedy limits, ids as counters) and the annealing schedules.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "myriad/schedule.hpp"
#include "myriad/select.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

// Upper chi-square quantile at p ≈ 1e-6 (Wilson–Hilferty, z = 4.75): a fixed-seed test far from flaky.
double chi2_bound(int df) {
  const double h = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - h + 4.75 * std::sqrt(h), 3.0);
}

// Pearson statistic of counts against probabilities over n draws; bins with expectation < 5 merged.
double chi2(const std::vector<int64_t>& counts, const std::vector<double>& p, int64_t n, int* df) {
  double stat = 0.0, rest_e = 0.0, rest_o = 0.0;
  int bins = 0;
  for (size_t a = 0; a < p.size(); ++a) {
    const double e = p[a] * static_cast<double>(n);
    if (e < 5.0) {
      rest_e += e;
      rest_o += static_cast<double>(counts[a]);
      continue;
    }
    stat += (counts[a] - e) * (counts[a] - e) / e;
    ++bins;
  }
  if (rest_e > 0.0) {
    stat += (rest_o - rest_e) * (rest_o - rest_e) / rest_e;
    ++bins;
  }
  *df = bins - 1;
  return stat;
}

std::vector<float> repeat_row(const std::vector<float>& row, int64_t n) {
  std::vector<float> q;
  q.reserve(row.size() * static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) q.insert(q.end(), row.begin(), row.end());
  return q;
}

std::vector<int64_t> histogram(const std::vector<uint8_t>& actions, int k) {
  std::vector<int64_t> c(static_cast<size_t>(k), 0);
  for (uint8_t a : actions) ++c[a];
  return c;
}

SelectParams params(SelectMode mode, int k, float t = 1.0f, float eps = 0.0f) {
  SelectParams p;
  p.mode = mode;
  p.n_actions = k;
  p.stride = k;
  p.temperature = t;
  p.epsilon = eps;
  p.seed = 0x5EEDull;
  p.step = 7;
  return p;
}

TEST(Select, GreedyTakesLowestIndexOnTies) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> q = {1, 3, 3, 2,  5, 5, 5, 5,  0, nan, 4, 4,  -1, -2, -1, -3};
  const auto a = select_actions_host(test::cpu_backend(), params(SelectMode::kGreedy, 4), q, 4);
  EXPECT_EQ(a, (std::vector<uint8_t>{1, 0, 2, 0}));
}

TEST(Select, RowStrideSkipsPadding) {
  SelectParams p = params(SelectMode::kGreedy, 3);
  p.stride = 5;
  const std::vector<float> q = {0, 2, 1, 9, 9,  4, 0, 1, 9, 9};
  EXPECT_EQ(select_actions_host(test::cpu_backend(), p, q, 2), (std::vector<uint8_t>{1, 0}));
}

void expect_softmax_frequencies(const std::vector<float>& row, float t) {
  const int k = static_cast<int>(row.size());
  const int64_t n = 100000;
  const auto a = select_actions_host(test::cpu_backend(), params(SelectMode::kBoltzmann, k, t), repeat_row(row, n), n);
  double qmax = row[0], sum = 0.0;
  for (float v : row) qmax = std::fmax(qmax, v);
  std::vector<double> p;
  for (float v : row) p.push_back(std::exp((v - qmax) / t)), sum += p.back();
  for (double& v : p) v /= sum;
  int df = 0;
  const double stat = chi2(histogram(a, k), p, n, &df);
  EXPECT_LT(stat, chi2_bound(df)) << "T = " << t << ", df = " << df;
}

TEST(Select, BoltzmannMatchesSoftmaxAtT1) { expect_softmax_frequencies({0.5f, -1.0f, 2.0f, 0.3f, 1.5f}, 1.0f); }
TEST(Select, BoltzmannMatchesSoftmaxAtT01) { expect_softmax_frequencies({0.5f, 0.4f, 0.2f, 0.55f, 0.1f}, 0.1f); }

TEST(Select, BoltzmannNeverPicksUnderflowedActions) {
  const int64_t n = 20000;
  const auto a = select_actions_host(test::cpu_backend(), params(SelectMode::kBoltzmann, 3, 0.01f), repeat_row({0, 100, 0}, n), n);
  for (uint8_t v : a) ASSERT_EQ(v, 1);
}

TEST(Select, EpsilonZeroIsGreedy) {
  const int64_t n = 5000;
  std::vector<float> q;
  for (int64_t i = 0; i < n * 6; ++i) q.push_back(static_cast<float>((i * 7919) % 13));
  EXPECT_EQ(select_actions_host(test::cpu_backend(), params(SelectMode::kEpsilonGreedy, 6, 1.0f, 0.0f), q, n),
            select_actions_host(test::cpu_backend(), params(SelectMode::kGreedy, 6), q, n));
}

TEST(Select, EpsilonOneIsUniform) {
  const int k = 21;
  const int64_t n = 100000;
  std::vector<float> row(k, 0.0f);
  row[3] = 10.0f;
  const auto a = select_actions_host(test::cpu_backend(), params(SelectMode::kEpsilonGreedy, k, 1.0f, 1.0f), repeat_row(row, n), n);
  int df = 0;
  const double stat = chi2(histogram(a, k), std::vector<double>(k, 1.0 / k), n, &df);
  EXPECT_EQ(df, k - 1);
  EXPECT_LT(stat, chi2_bound(df));
}

TEST(Select, EpsilonExploresAtRateEpsilon) {
  const int k = 4;
  const int64_t n = 100000;
  const auto a = select_actions_host(test::cpu_backend(), params(SelectMode::kEpsilonGreedy, k, 1.0f, 0.2f), repeat_row({0, 0, 1, 0}, n), n);
  const double off = static_cast<double>(n - histogram(a, k)[2]) / n;  // ε (k−1)/k = 0.15 expected
  EXPECT_NEAR(off, 0.15, 5.0 * std::sqrt(0.15 * 0.85 / n));
}

TEST(Select, IdsAreTheDrawCounters) {
  const int64_t n = 1000;
  std::vector<uint32_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = static_cast<uint32_t>(n - 1 - i);
  const auto q = repeat_row({0.1f, 0.2f, 0.3f}, n);
  const SelectParams p = params(SelectMode::kBoltzmann, 3);
  const auto by_row = select_actions_host(test::cpu_backend(), p, q, n);
  const auto by_id = select_actions_host(test::cpu_backend(), p, q, n, ids);
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(by_id[static_cast<size_t>(i)], by_row[static_cast<size_t>(n - 1 - i)]);
}

TEST(Select, RejectsBadParameters) {
  const std::vector<float> q(8, 0.0f);
  EXPECT_THROW(select_actions_host(test::cpu_backend(), params(SelectMode::kBoltzmann, 4, 0.0f), q, 2), std::invalid_argument);
  EXPECT_THROW(select_actions_host(test::cpu_backend(), params(SelectMode::kEpsilonGreedy, 4, 1.0f, 1.5f), q, 2), std::invalid_argument);
  EXPECT_THROW(select_actions_host(test::cpu_backend(), params(SelectMode::kGreedy, 0), q, 2), std::invalid_argument);
  EXPECT_THROW(select_actions_host(test::cpu_backend(), params(SelectMode::kGreedy, 4), q, 3), std::invalid_argument);
}

TEST(Schedule, LinearEndpointsAndMidpoint) {
  const Schedule s = linear_schedule(1.0f, 0.05f, 1000);
  EXPECT_EQ(s.value(0), 1.0f);
  EXPECT_EQ(s.value(-5), 1.0f);
  EXPECT_EQ(s.value(1000), 0.05f);
  EXPECT_EQ(s.value(123456), 0.05f);
  EXPECT_NEAR(s.value(500), 0.525f, 1e-6f);
  EXPECT_EQ(default_epsilon_schedule(1000).value(1000), 0.05f);
}

TEST(Schedule, ExponentialEndpointsAndMidpoint) {
  const Schedule s = default_temperature_schedule(1000);
  EXPECT_EQ(s.value(0), 1.0f);
  EXPECT_EQ(s.value(1000), 0.1f);
  EXPECT_EQ(s.value(2000), 0.1f);
  EXPECT_NEAR(s.value(500), std::sqrt(0.1f), 1e-6f);
  EXPECT_GT(s.value(100), s.value(101));
  EXPECT_THROW(exponential_schedule(1.0f, 0.0f, 10), std::invalid_argument);
}

TEST(Schedule, ConstantAndZeroLength) {
  EXPECT_EQ((Schedule{ScheduleKind::kConstant, 0.3f, 0.7f, 10}.value(50)), 0.3f);
  EXPECT_EQ(linear_schedule(1.0f, 0.1f, 0).value(0), 0.1f);
}

}  // namespace
}  // namespace myriad
