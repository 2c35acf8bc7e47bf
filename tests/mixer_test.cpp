// mixer_test.cpp: the value mixers as rules (rules/mixer.hpp) against a double-precision reference of
// their definitions: the loss's gradients at the agents' values and at the hypernetwork's outputs
// against central finite differences, monotonicity, VDN's sum, the targets' reward sums and masks, and
// the groups a window splits into; the learn program's mixer passes on the CPU against the rules, and
// on CUDA where a device answers.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <type_traits>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/engine/learn_program.hpp"
#include "myriad/rules/mixer.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

// A batch of `windows` windows of L rows: K actions, E the mixer's width, starts and absent rows drawn.
struct Batch {
  int64_t windows = 0, L = 0;
  int K = 0, E = 0;
  std::vector<float> q, h, y, reward, done;
  std::vector<int> actions;
  std::vector<uint8_t> start;
  int64_t rows() const { return windows * L; }
};

Batch random_batch(int64_t windows, int64_t L, int K, int E, uint32_t seed, float absent_share = 0.25f) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), p(0.0f, 1.0f);
  Batch b;
  b.windows = windows, b.L = L, b.K = K, b.E = E;
  const int64_t n = b.rows(), H = mixer_hyper_outputs(E);
  for (int64_t i = 0; i < n * K; ++i) b.q.push_back(u(g));
  for (int64_t i = 0; i < n * H; ++i) b.h.push_back(u(g));
  for (int64_t i = 0; i < n; ++i) {
    b.y.push_back(2.0f * u(g));
    b.reward.push_back(u(g));
    const float d = p(g);
    b.done.push_back(d < absent_share ? kAbsentRow : d < absent_share + 0.2f ? 1.0f : 0.0f);
    b.actions.push_back(static_cast<int>(g() % static_cast<unsigned>(K)));
    b.start.push_back(p(g) < 0.3f ? 1 : 0);
  }
  return b;
}

MixerParams params_of(const Batch& b, MixerKind kind) {
  MixerParams p;
  p.kind = kind;
  p.embed = b.E;
  p.window = b.L;
  p.n_actions = b.K;
  p.gamma = 0.9f;
  p.td.kind = TargetKind::kGreedyDouble;
  p.td.n_actions = b.K;
  p.td.gamma = 1.0f;
  return p;
}

// The groups of window w as [begin, end) row ranges: a group starts at the window's first row and at
// every row flagged.
std::vector<std::pair<int64_t, int64_t>> groups_of(const Batch& b, int64_t w) {
  std::vector<std::pair<int64_t, int64_t>> g;
  for (int64_t r = w * b.L; r < (w + 1) * b.L; ++r)
    if (r == w * b.L || b.start[static_cast<size_t>(r)] != 0) g.push_back({r, r + 1});
    else g.back().second = r + 1;
  return g;
}

// Q_tot of rows [r0, r1) in double from the definitions (rules/mixer.hpp's header), values v(r),
// participation in(r); nullopt-like: sets *any = false when no row takes part.
template <typename V, typename In>
double q_tot_ref(const Batch& b, MixerKind kind, const std::vector<double>& h, int64_t r0, int64_t r1, V v, In in,
                 bool* any) {
  const int E = b.E, H = mixer_hyper_outputs(E);
  int m = 0;
  for (int64_t r = r0; r < r1; ++r) m += in(r) ? 1 : 0;
  *any = m > 0;
  if (m == 0) return 0.0;
  if (kind == MixerKind::kSum) {
    double s = 0;
    for (int64_t r = r0; r < r1; ++r)
      if (in(r)) s += v(r);
    return s;
  }
  double out = 0;
  for (int64_t r = r0; r < r1; ++r)
    if (in(r)) out += h[static_cast<size_t>(r * H + 3 * E)] / m;
  for (int e = 0; e < E; ++e) {
    double z = 0, w2 = 0;
    for (int64_t r = r0; r < r1; ++r) {
      if (!in(r)) continue;
      const double* hr = h.data() + r * H;
      z += v(r) * std::fabs(hr[e]) + hr[E + e] / m;
      w2 += hr[2 * E + e] / m;
    }
    out += (z > 0 ? z : std::expm1(z)) * std::fabs(w2);
  }
  return out;
}

// The loss of the batch in double: per window the mean over its groups with a row present of
// (Q_tot − y)², averaged over windows.
double loss_ref(const Batch& b, MixerKind kind, const std::vector<double>& q, const std::vector<double>& h) {
  double total = 0;
  for (int64_t w = 0; w < b.windows; ++w) {
    double sum = 0;
    int groups = 0;
    for (auto [r0, r1] : groups_of(b, w)) {
      bool any = false;
      const double qt = q_tot_ref(
          b, kind, h, r0, r1, [&](int64_t r) { return q[static_cast<size_t>(r * b.K + b.actions[static_cast<size_t>(r)])]; },
          [&](int64_t r) { return b.done[static_cast<size_t>(r)] != kAbsentRow; }, &any);
      if (!any) continue;
      const double err = qt - b.y[static_cast<size_t>(r0)];
      sum += err * err;
      ++groups;
    }
    if (groups > 0) total += sum / groups;
  }
  return total / static_cast<double>(b.windows);
}

struct Grads {
  std::vector<float> dq, dh, terms;
};

Grads rule_loss(const Batch& b, MixerKind kind) {
  const MixerParams p = params_of(b, kind);
  const int64_t n = b.rows();
  Grads g;
  g.dq.assign(static_cast<size_t>(n * b.K), 7.0f);  // the rule must overwrite every value
  g.dh.assign(static_cast<size_t>(n * mixer_hyper_outputs(b.E)), 7.0f);
  g.terms.assign(static_cast<size_t>(b.windows), 0.0f);
  for (int64_t w = 0; w < b.windows; ++w)
    mixer_loss_window(p, w, b.done.data(), b.start.data(), b.q.data(), b.actions.data(), b.h.data(), b.y.data(),
                      1.0f / static_cast<float>(b.windows), g.dq.data(), g.dh.data(), g.terms.data());
  return g;
}

std::vector<double> to_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

TEST(Mixer, GradientsMatchFiniteDifferences) {
  for (MixerKind kind : {MixerKind::kSum, MixerKind::kMonotone})
    for (uint32_t seed = 1; seed <= 6; ++seed) {
      const Batch b = random_batch(3, 9, 5, 4, seed);
      const Grads g = rule_loss(b, kind);
      std::vector<double> q = to_double(b.q), h = to_double(b.h);
      const double eps = 1e-5;
      double loss_terms = 0;
      for (float t : g.terms) loss_terms += t;
      EXPECT_NEAR(loss_terms / b.windows, loss_ref(b, kind, q, h), 1e-4) << "the logged loss is the reference's";
      // Central differences of the reference loss in each value of v (q or h) against the rule's gradient.
      auto check = [&](std::vector<double>& v, const std::vector<float>& grad, const char* what) {
        for (size_t i = 0; i < v.size(); ++i) {
          const double keep = v[i];
          v[i] = keep + eps;
          const double up = loss_ref(b, kind, q, h);
          v[i] = keep - eps;
          const double down = loss_ref(b, kind, q, h);
          v[i] = keep;
          EXPECT_NEAR(grad[i], (up - down) / (2 * eps), 2e-3) << what << " " << i << " seed " << seed;
        }
      };
      check(q, g.dq, "dq");
      if (kind == MixerKind::kMonotone) check(h, g.dh, "dh");
    }
}

TEST(Mixer, MonotoneMixerNeverDecreasesWhenAnAgentsValueRises) {
  std::mt19937 g(5);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  for (int trial = 0; trial < 200; ++trial) {
    const int E = 8, H = mixer_hyper_outputs(E), n = 6;
    std::vector<float> h(static_cast<size_t>(n * H)), q(n);
    for (float& x : h) x = u(g);
    for (float& x : q) x = u(g);
    float z[kMaxMixerEmbed], w2[kMaxMixerEmbed], v;
    int m = 0;
    auto all = [](int64_t) { return true; };
    const float before = monotone_forward(E, 0, n, all, [&](int64_t r) { return q[static_cast<size_t>(r)]; }, h.data(),
                                          z, w2, &v, &m);
    q[static_cast<size_t>(trial % n)] += std::fabs(u(g)) + 0.01f;
    const float after = monotone_forward(E, 0, n, all, [&](int64_t r) { return q[static_cast<size_t>(r)]; }, h.data(),
                                         z, w2, &v, &m);
    EXPECT_GE(after, before) << "trial " << trial;
    EXPECT_EQ(m, n);
  }
}

TEST(Mixer, TargetsSumThePresentRewardsAndMixOnlyTheAgentsThatGoOn) {
  // One window of 4 rows, two groups: rows 0-1 and 2-3. Row 1 died (d = 1), row 3 is absent (d = 2).
  Batch b;
  b.windows = 1, b.L = 4, b.K = 2, b.E = 2;
  b.reward = {1.0f, 2.0f, 4.0f, 8.0f};
  b.done = {0.0f, 1.0f, 1.0f, kAbsentRow};
  b.start = {1, 0, 1, 0};
  const std::vector<float> q_tgt = {0.5f, 3.0f, 10.0f, 20.0f, 1.0f, 2.0f, 30.0f, 40.0f};
  const std::vector<float> q_on = {0.0f, 1.0f, 0.0f, 1.0f, 1.0f, 0.0f, 0.0f, 1.0f};  // double-Q: argmax of the online
  std::vector<float> y(4, -1.0f);
  MixerParams p = params_of(b, MixerKind::kSum);
  mixer_target_window(p, 0, b.reward.data(), b.done.data(), b.start.data(), q_tgt.data(), q_on.data(), nullptr, y.data());
  EXPECT_FLOAT_EQ(y[0], 3.0f + 0.9f * 3.0f) << "r0 + r1, and only row 0 goes on (its online argmax is action 1)";
  EXPECT_FLOAT_EQ(y[2], 4.0f) << "the absent row's reward is not counted; nobody goes on: no bootstrap";
  // The monotone mixer of nobody is 0 too, whatever the hypernetwork says.
  std::vector<float> h(static_cast<size_t>(4 * mixer_hyper_outputs(2)), 5.0f);
  p = params_of(b, MixerKind::kMonotone);
  mixer_target_window(p, 0, b.reward.data(), b.done.data(), b.start.data(), q_tgt.data(), q_on.data(), h.data(), y.data());
  EXPECT_FLOAT_EQ(y[2], 4.0f);
}

TEST(Mixer, AWindowStartsAGroupWhateverItsFirstFlagSays) {
  Batch b = random_batch(2, 5, 3, 2, 11, 0.0f);
  b.start.assign(10, 0);  // one group a window
  b.done.assign(10, 0.0f);
  b.q.assign(b.q.size(), 1.0f);
  const Grads g = rule_loss(b, MixerKind::kSum);
  for (int64_t w = 0; w < 2; ++w)  // Q_tot = 5 rows × 1; dq of each = 2·(5 − y)/(windows · groups)
    for (int64_t r = w * 5; r < w * 5 + 5; ++r)
      EXPECT_FLOAT_EQ(g.dq[static_cast<size_t>(r * 3 + b.actions[static_cast<size_t>(r)])],
                      2.0f * (5.0f - b.y[static_cast<size_t>(w * 5)]) / 2.0f);
}

// The learn program's passes over all windows against the rules, on one backend.
void expect_program_matches_rules(Backend& be, MixerKind kind) {
  const Batch b = random_batch(7, 13, 6, 8, 21);
  const MixerParams p = params_of(b, kind);
  const int64_t n = b.rows(), H = mixer_hyper_outputs(b.E);
  auto up = [&](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    Buffer<T> d(be, v.size());
    d.upload(v);
    return d;
  };
  std::vector<float> q_on(b.q.rbegin(), b.q.rend());
  Buffer<float> bq = up(b.q), bqon = up(q_on), bh = up(b.h), by(be, static_cast<size_t>(n)), br = up(b.reward),
                bd = up(b.done), gqb(be, static_cast<size_t>(n * b.K)), ghb(be, static_cast<size_t>(n * H)),
                tb(be, static_cast<size_t>(b.windows));
  Buffer<int> ba = up(b.actions);
  Buffer<uint8_t> bs = up(b.start);
  float *dq_ = bq.data(), *dqon = bqon.data(), *dh_ = bh.data(), *dy = by.data(), *dr = br.data(), *dd = bd.data();
  float *gq = gqb.data(), *gh = ghb.data(), *terms = tb.data();
  int* da = ba.data();
  uint8_t* ds = bs.data();
  be.learn().mixer_targets(p, b.windows, dr, dd, ds, dq_, dqon, dh_, dy);
  be.learn().mixer_loss(p, b.windows, dd, ds, dq_, da, dh_, dy, gq, gh, terms);
  std::vector<float> y(n), dq(n * b.K), dh(n * H), t(b.windows);
  be.to_host(y.data(), dy, y.size() * sizeof(float));
  be.to_host(dq.data(), gq, dq.size() * sizeof(float));
  be.to_host(dh.data(), gh, dh.size() * sizeof(float));
  be.to_host(t.data(), terms, t.size() * sizeof(float));
  Batch ref = b;
  for (int64_t w = 0; w < b.windows; ++w)
    mixer_target_window(p, w, b.reward.data(), b.done.data(), b.start.data(), b.q.data(), q_on.data(), b.h.data(),
                        ref.y.data());
  const Grads g = rule_loss(ref, kind);
  for (int64_t w = 0; w < b.windows; ++w)
    for (auto [r0, r1] : groups_of(b, w)) EXPECT_NEAR(y[static_cast<size_t>(r0)], ref.y[static_cast<size_t>(r0)], 1e-5);
  for (size_t i = 0; i < dq.size(); ++i) EXPECT_NEAR(dq[i], g.dq[i], 1e-5) << i;
  if (kind == MixerKind::kMonotone)
    for (size_t i = 0; i < dh.size(); ++i) EXPECT_NEAR(dh[i], g.dh[i], 1e-5) << i;
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], g.terms[i], 1e-5) << i;
}

TEST(Mixer, CpuLearnProgramRunsTheRules) {
  for (MixerKind k : {MixerKind::kSum, MixerKind::kMonotone}) expect_program_matches_rules(test::cpu_backend(), k);
}

class MixerCudaTest : public CudaTest {};

TEST_F(MixerCudaTest, CudaLearnProgramMatchesTheRules) {
  for (MixerKind k : {MixerKind::kSum, MixerKind::kMonotone}) expect_program_matches_rules(test::cuda_backend(), k);
}

}  // namespace
}  // namespace myriad
