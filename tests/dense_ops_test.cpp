// dense_ops_test.cpp: the dense-layer products the CPU network runs (OpenBLAS SGEMM when the build has
// it) against the OpenMP loops, element by element, within the bound of two different summation orders
// of K products: |x − y| ≤ 2 γ_K Σ|terms| (γ_K ≈ K · FLT_EPSILON), with sparse inputs like the views'.
#include <gtest/gtest.h>
#include <omp.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "myriad/dense_ops.hpp"

namespace {

namespace dense = myriad::dense;

struct Case {
  int batch, in, out;
  double zeros;  // share of the inputs that are 0 (views are mostly empty)
};

std::vector<float> random_values(size_t n, double zeros, uint32_t seed) {
  std::mt19937 r(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::uniform_real_distribution<double> p(0.0, 1.0);
  std::vector<float> v(n);
  for (float& x : v) x = p(r) < zeros ? 0.0f : u(r);
  return v;
}

double gamma(int k) { return 2.0 * (k + 2) * FLT_EPSILON; }

// Without OpenBLAS the products are the loops themselves: nothing to compare.
class DenseOps : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    if (dense::library().rfind("OpenBLAS", 0) != 0)
      GTEST_SKIP() << "the products run on the loops here: " << dense::library();
  }
};

TEST_P(DenseOps, ForwardMatchesTheLoops) {
  const Case c = GetParam();
  const auto a = random_values(static_cast<size_t>(c.batch) * c.in, c.zeros, 1);
  const auto w = random_values(static_cast<size_t>(c.out) * c.in, 0.0, 2);
  const auto bias = random_values(static_cast<size_t>(c.out), 0.0, 3);
  for (bool relu : {false, true}) {
    std::vector<float> z(static_cast<size_t>(c.batch) * c.out, -7.0f), ref(z.size(), 7.0f);
    std::vector<float> wt(static_cast<size_t>(c.in) * c.out);
    dense::forward(a.data(), c.batch, c.in, w.data(), bias.data(), c.out, relu, z.data(), wt.data());
    dense::loops::forward(a.data(), c.batch, c.in, w.data(), bias.data(), c.out, relu, ref.data(), wt.data());
    for (int b = 0; b < c.batch; ++b)
      for (int o = 0; o < c.out; ++o) {
        double mag = std::fabs(bias[static_cast<size_t>(o)]);
        for (int i = 0; i < c.in; ++i)
          mag += std::fabs(static_cast<double>(a[static_cast<size_t>(b) * c.in + i]) * w[static_cast<size_t>(o) * c.in + i]);
        const size_t j = static_cast<size_t>(b) * c.out + o;
        ASSERT_NEAR(z[j], ref[j], gamma(c.in) * mag) << "row " << b << " output " << o << " relu " << relu;
        if (relu) ASSERT_GE(z[j], 0.0f);
      }
  }
}

TEST_P(DenseOps, WeightGradientAccumulatesLikeTheLoops) {
  const Case c = GetParam();
  const auto a = random_values(static_cast<size_t>(c.batch) * c.in, c.zeros, 4);
  // dz of the last layer has one non-zero per row (the taken action); of a hidden layer, many.
  const auto dz = random_values(static_cast<size_t>(c.batch) * c.out, 0.5, 5);
  const auto dw0 = random_values(static_cast<size_t>(c.out) * c.in, 0.0, 6);
  const auto db0 = random_values(static_cast<size_t>(c.out), 0.0, 7);
  std::vector<float> dw = dw0, db = db0, rdw = dw0, rdb = db0;
  dense::weight_grad(dz.data(), a.data(), c.batch, c.in, c.out, dw.data(), db.data());
  dense::loops::weight_grad(dz.data(), a.data(), c.batch, c.in, c.out, rdw.data(), rdb.data());
  for (int o = 0; o < c.out; ++o) {
    double bmag = std::fabs(db0[static_cast<size_t>(o)]);
    for (int b = 0; b < c.batch; ++b) bmag += std::fabs(dz[static_cast<size_t>(b) * c.out + o]);
    ASSERT_NEAR(db[static_cast<size_t>(o)], rdb[static_cast<size_t>(o)], gamma(c.batch) * bmag) << "bias " << o;
    for (int i = 0; i < c.in; ++i) {
      const size_t j = static_cast<size_t>(o) * c.in + i;
      double mag = std::fabs(dw0[j]);
      for (int b = 0; b < c.batch; ++b)
        mag += std::fabs(static_cast<double>(dz[static_cast<size_t>(b) * c.out + o]) * a[static_cast<size_t>(b) * c.in + i]);
      ASSERT_NEAR(dw[j], rdw[j], gamma(c.batch) * mag) << "weight " << o << "," << i;
    }
  }
}

TEST_P(DenseOps, InputGradientMatchesTheLoopsAndStopsAtReluZeros) {
  const Case c = GetParam();
  const auto dz = random_values(static_cast<size_t>(c.batch) * c.out, 0.3, 8);
  const auto w = random_values(static_cast<size_t>(c.out) * c.in, 0.0, 9);
  auto a = random_values(static_cast<size_t>(c.batch) * c.in, c.zeros, 10);
  for (float& x : a) x = std::fabs(x);  // a ReLU output: 0 or positive
  std::vector<float> da(a.size(), 3.0f), ref(a.size(), -3.0f);
  dense::input_grad(dz.data(), c.batch, c.out, w.data(), c.in, a.data(), da.data());
  dense::loops::input_grad(dz.data(), c.batch, c.out, w.data(), c.in, a.data(), ref.data());
  for (int b = 0; b < c.batch; ++b)
    for (int i = 0; i < c.in; ++i) {
      const size_t j = static_cast<size_t>(b) * c.in + i;
      if (a[j] == 0.0f) {
        ASSERT_EQ(da[j], 0.0f) << "row " << b << " input " << i << ": no gradient through a ReLU at 0";
        continue;
      }
      double mag = 0.0;
      for (int o = 0; o < c.out; ++o)
        mag += std::fabs(static_cast<double>(dz[static_cast<size_t>(b) * c.out + o]) * w[static_cast<size_t>(o) * c.in + i]);
      ASSERT_NEAR(da[j], ref[j], gamma(c.out) * mag) << "row " << b << " input " << i;
    }
}

// Shapes of the battle network (view + features → 128 → 64 → 21) and awkward ones (1 row, odd sizes).
INSTANTIATE_TEST_SUITE_P(Shapes, DenseOps,
                         ::testing::Values(Case{1, 1, 1, 0.0}, Case{3, 7, 5, 0.0}, Case{33, 17, 9, 0.5},
                                           Case{300, 1213, 128, 0.85}, Case{300, 128, 64, 0.4},
                                           Case{300, 64, 21, 0.0}, Case{2048, 40, 33, 0.9}));

// The same bits on any number of threads: the products are cut into blocks of a fixed size.
TEST(DenseOpsThreads, OneThreadAndManyGiveTheSameBits) {
  const int batch = 300, in = 1213, out = 128;
  const auto a = random_values(static_cast<size_t>(batch) * in, 0.85, 11);
  const auto w = random_values(static_cast<size_t>(out) * in, 0.0, 12);
  const auto bias = random_values(static_cast<size_t>(out), 0.0, 13);
  const auto dz = random_values(static_cast<size_t>(batch) * out, 0.3, 14);
  std::vector<float> wt(static_cast<size_t>(in) * out);
  auto products = [&](int threads) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    std::vector<float> z(static_cast<size_t>(batch) * out), dw(static_cast<size_t>(out) * in, 0.5f), db(out, 0.25f);
    std::vector<float> da(static_cast<size_t>(batch) * in);
    dense::forward(a.data(), batch, in, w.data(), bias.data(), out, true, z.data(), wt.data());
    dense::weight_grad(dz.data(), a.data(), batch, in, out, dw.data(), db.data());
    dense::input_grad(dz.data(), batch, out, w.data(), in, a.data(), da.data());
    omp_set_num_threads(saved);
    z.insert(z.end(), dw.begin(), dw.end());
    z.insert(z.end(), db.begin(), db.end());
    z.insert(z.end(), da.begin(), da.end());
    return z;
  };
  const std::vector<float> one = products(1);
  for (int threads : {2, 3, 8}) {
    const std::vector<float> many = products(threads);
    ASSERT_EQ(one.size(), many.size());
    size_t differ = 0;
    for (size_t j = 0; j < one.size(); ++j) differ += std::memcmp(&one[j], &many[j], sizeof(float)) != 0;
    EXPECT_EQ(differ, 0u) << threads << " threads";
  }
}

TEST(DenseOpsLibrary, NamesWhatTheProductsRunOn) {
  const std::string lib = dense::library();
#if MYRIAD_TEST_EXPECT_BLAS
  EXPECT_NE(lib.find("OpenBLAS"), std::string::npos) << lib;
#endif
  EXPECT_FALSE(lib.empty());
}

}  // namespace
