// replay_test.cpp: the CPU replay buffer (round trip with bf16 rounding, ring overwrite, uniform and
// deterministic sampling), the keep_transition fraction rule, and the bytes of a stored transition.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <type_traits>
#include <stdexcept>
#include <vector>

#include "myriad/replay.hpp"
#include "test_backends.hpp"

namespace myriad {
namespace {

std::unique_ptr<ReplayBuffer> cpu_replay(const ReplayShape& s, int64_t cap) {
  return std::make_unique<ReplayBuffer>(test::cpu_backend(), s, cap);
}

const ReplayShape kSmall{7, 3, 4};

// n transitions; transition t has reward t, action t % K, done t % 3 == 0; views half 0/1, half random.
HostTransitions make_transitions(const ReplayShape& s, int64_t n, unsigned seed, int64_t first = 0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  HostTransitions h;
  auto view_value = [&](int64_t e) { return e % 2 == 0 ? static_cast<float>(rng() % 2) : u(rng); };
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t e = 0; e < s.view_size; ++e) h.obs.push_back(view_value(e)), h.next_obs.push_back(view_value(e));
    for (int e = 0; e < s.n_features; ++e) h.features.push_back(u(rng)), h.next_features.push_back(u(rng));
    for (int e = 0; e < s.n_actions; ++e) h.mean.push_back(u(rng) / 3.0f), h.next_mean.push_back(u(rng) / 3.0f);
    h.action.push_back(static_cast<uint8_t>((first + t) % s.n_actions));
    h.reward.push_back(static_cast<float>(first + t));
    h.done.push_back((first + t) % 3 == 0 ? 1 : 0);
  }
  return h;
}

// Transitions [from, to) of h.
HostTransitions slice(const ReplayShape& s, const HostTransitions& h, size_t from, size_t to) {
  auto cut = [&](const auto& v, size_t w) {
    return std::decay_t<decltype(v)>(v.begin() + static_cast<long>(from * w), v.begin() + static_cast<long>(to * w));
  };
  const size_t V = static_cast<size_t>(s.view_size), F = static_cast<size_t>(s.n_features),
               K = static_cast<size_t>(s.n_actions);
  HostTransitions o;
  o.obs = cut(h.obs, V), o.next_obs = cut(h.next_obs, V), o.features = cut(h.features, F);
  o.next_features = cut(h.next_features, F), o.mean = cut(h.mean, K), o.next_mean = cut(h.next_mean, K);
  o.action = cut(h.action, 1), o.reward = cut(h.reward, 1), o.done = cut(h.done, 1);
  return o;
}

// bf16 storage: 0 and 1 exact, otherwise within 2^-8 relative.
void expect_bf16_close(float stored, float original) {
  if (original == 0.0f || original == 1.0f) {
    EXPECT_EQ(stored, original);
  } else {
    EXPECT_LE(std::fabs(stored - original), std::ldexp(std::fabs(original), -8)) << original;
  }
}

// Checks that row b of `out` holds transition t of `in`.
void expect_row(const ReplayShape& s, const HostReplayBatch& out, size_t b, const HostTransitions& in, size_t t) {
  const size_t V = static_cast<size_t>(s.view_size), F = static_cast<size_t>(s.n_features),
               K = static_cast<size_t>(s.n_actions), X = V + F + K;
  for (size_t e = 0; e < V; ++e) {
    expect_bf16_close(out.x[b * X + e], in.obs[t * V + e]);
    expect_bf16_close(out.x_next[b * X + e], in.next_obs[t * V + e]);
  }
  for (size_t e = 0; e < F; ++e) {
    EXPECT_EQ(out.x[b * X + V + e], in.features[t * F + e]);
    EXPECT_EQ(out.x_next[b * X + V + e], in.next_features[t * F + e]);
  }
  for (size_t e = 0; e < K; ++e) {
    expect_bf16_close(out.x[b * X + V + F + e], in.mean[t * K + e]);
    expect_bf16_close(out.x_next[b * X + V + F + e], in.next_mean[t * K + e]);
  }
  EXPECT_EQ(out.action[b], static_cast<int>(in.action[t]));
  EXPECT_EQ(out.reward[b], in.reward[t]);
  EXPECT_EQ(out.done[b], in.done[t] != 0 ? 1.0f : 0.0f);
}

std::vector<int64_t> all_slots(int64_t n) {
  std::vector<int64_t> s(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) s[static_cast<size_t>(i)] = i;
  return s;
}

TEST(Replay, BytesPerTransitionOfTheBattleShape) {
  const ReplayShape battle{845, 32, 21};
  // 2 · (845·2 + 32·4 + 21·2) + a 1 + r 4 + d 1 = 2 · 1860 + 6
  EXPECT_EQ(bytes_per_transition(battle), 3726u);
  const auto r = cpu_replay(battle, 1000);
  EXPECT_EQ(r->capacity_bytes(), 3726000u);
  EXPECT_EQ(battle.input_width(), 898);
}

TEST(Replay, RoundTripOfAppendedTransitions) {
  const auto r = cpu_replay(kSmall, 16);
  const HostTransitions in = make_transitions(kSmall, 10, 1);
  r->append_host(in);
  EXPECT_EQ(r->size(), 10);
  EXPECT_EQ(r->head(), 10);
  const HostReplayBatch out = r->gather_host(all_slots(10));
  for (size_t t = 0; t < 10; ++t) expect_row(kSmall, out, t, in, t);
}

TEST(Replay, RingOverwritesTheOldest) {
  for (bool split : {false, true}) {
    const auto r = cpu_replay(kSmall, 5);
    const HostTransitions all = make_transitions(kSmall, 7, 2);
    if (split) {
      r->append_host(slice(kSmall, all, 0, 4));
      const HostTransitions tail = slice(kSmall, all, 4, 7);
      r->append_host(tail);
    } else {
      r->append_host(all);
    }
    EXPECT_EQ(r->size(), 5);
    EXPECT_EQ(r->head(), 2);
    const HostReplayBatch out = r->gather_host(all_slots(5));
    const std::vector<size_t> expected = {5, 6, 2, 3, 4};  // transitions 0 and 1 are gone
    for (size_t s = 0; s < 5; ++s) expect_row(kSmall, out, s, all, expected[s]);
  }
}

TEST(Replay, SampleIsUniformOverStoredSlots) {
  const ReplayShape tiny{1, 1, 1};
  const auto r = cpu_replay(tiny, 64);
  r->append_host(make_transitions(tiny, 50, 3));  // size 50 < capacity: only [0, 50) may be drawn
  const int batch = 100000;
  const HostReplayBatch out = r->sample_host(batch, 42, 0);
  std::vector<double> counts(50, 0.0);
  for (float rew : out.reward) {
    ASSERT_GE(rew, 0.0f);
    ASSERT_LT(rew, 50.0f);
    counts[static_cast<size_t>(rew)] += 1.0;
  }
  const double e = batch / 50.0;
  double stat = 0.0;
  for (double c : counts) stat += (c - e) * (c - e) / e;
  EXPECT_LT(stat, 49.0 + 4.75 * std::sqrt(2.0 * 49.0) + 10.0);  // ≈ the p = 1e-6 quantile of χ²(49)
}

TEST(Replay, SampleIsAFunctionOfSeedAndDraw) {
  const auto r = cpu_replay(kSmall, 100);
  r->append_host(make_transitions(kSmall, 100, 4));
  const HostReplayBatch a = r->sample_host(64, 9, 3), b = r->sample_host(64, 9, 3), c = r->sample_host(64, 9, 4);
  EXPECT_EQ(a.reward, b.reward);
  EXPECT_EQ(a.x, b.x);
  EXPECT_NE(a.reward, c.reward);
  for (int j = 0; j < 64; ++j)
    EXPECT_EQ(a.reward[static_cast<size_t>(j)], static_cast<float>(sample_slot(9, 3, static_cast<uint32_t>(j), 100)));
}

TEST(Replay, SampleOfAnEmptyBufferThrows) {
  const auto r = cpu_replay(kSmall, 8);
  EXPECT_THROW(r->sample_host(4, 1, 0), std::runtime_error);
  EXPECT_THROW(r->gather_host({0}), std::out_of_range);
  EXPECT_THROW(cpu_replay(kSmall, 0), std::invalid_argument);
}

TEST(Replay, KeepTransitionFraction) {
  const int n = 100000;
  for (float f : {0.0f, 0.1f, 0.5f, 1.0f}) {
    int kept = 0;
    for (int id = 0; id < n; ++id) kept += keep_transition(77, 5, static_cast<uint32_t>(id), f) ? 1 : 0;
    const double sd = std::sqrt(n * f * (1.0 - f));
    EXPECT_NEAR(kept, n * f, 5.0 * sd + 0.5) << "fraction " << f;
  }
  EXPECT_EQ(keep_transition(77, 5, 1, 0.5f), keep_transition(77, 5, 1, 0.5f));
}

}  // namespace
}  // namespace myriad
