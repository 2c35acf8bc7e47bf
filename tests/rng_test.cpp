// rng_test.cpp: Philox4x32-10 against Random123's known-answer vectors, the derived draws
// (range, uniformity, stream separation, priority keys), and bf16 round-to-nearest-even.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "myriad/bf16.hpp"
#include "myriad/rng.hpp"
#include "myriad/rules/priority.hpp"

using namespace myriad;

namespace {

void expect_philox(U32x4 ctr, uint32_t k0, uint32_t k1, U32x4 want) {
  const U32x4 got = philox4x32_10(ctr, k0, k1);
  for (int j = 0; j < 4; ++j) EXPECT_EQ(got.v[j], want.v[j]) << "word " << j;
}

}  // namespace

// Random123 kat_vectors, "philox4x32 10" lines.
TEST(Philox, KnownAnswerZero) {
  expect_philox({{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}});
}

TEST(Philox, KnownAnswerAllOnes) {
  expect_philox({{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
                {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}});
}

TEST(Philox, KnownAnswerPi) {
  expect_philox({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
                {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}});
}

TEST(Philox, DrawU32IsWordZeroOfTheCounter) {
  // key = (seed low, seed high), counter = (id, step, stream, draw).
  const uint64_t seed = 0x0123456789abcdefULL;
  const U32x4 r = philox4x32_10({{7, 9, static_cast<uint32_t>(Stream::kMovePriority), 3}}, 0x89abcdefu, 0x01234567u);
  EXPECT_EQ(draw_u32(seed, 7, 9, Stream::kMovePriority, 3), r.v[0]);
}

TEST(Philox, DrawsDependOnEveryCounterField) {
  const uint32_t base = draw_u32(1, 10, 20, Stream::kAttackPriority, 0);
  EXPECT_NE(base, draw_u32(2, 10, 20, Stream::kAttackPriority, 0));
  EXPECT_NE(base, draw_u32(1 + (1ULL << 32), 10, 20, Stream::kAttackPriority, 0));  // seed high half
  EXPECT_NE(base, draw_u32(1, 11, 20, Stream::kAttackPriority, 0));
  EXPECT_NE(base, draw_u32(1, 10, 21, Stream::kAttackPriority, 0));
  EXPECT_NE(base, draw_u32(1, 10, 20, Stream::kAttackPriority, 1));
  EXPECT_EQ(base, draw_u32(1, 10, 20, Stream::kAttackPriority, 0));  // a pure function
}

TEST(Philox, StreamsDiffer) {
  const Stream streams[] = {Stream::kAttackPriority, Stream::kMovePriority, Stream::kPolicy,
                            Stream::kPlacement, Stream::kUser};
  int equal = 0, total = 0;
  for (uint32_t id = 0; id < 200; ++id)
    for (int a = 0; a < 5; ++a)
      for (int b = a + 1; b < 5; ++b, ++total)
        equal += draw_u32(42, id, 3, streams[a]) == draw_u32(42, id, 3, streams[b]);
  EXPECT_EQ(equal, 0) << "of " << total << " pairs";
}

TEST(DrawBelow, InRangeAndEdgeCases) {
  for (uint32_t n : {1u, 2u, 7u, 13u, 21u, 1000u, 0x80000001u}) {
    for (uint32_t id = 0; id < 2000; ++id) {
      const uint32_t v = draw_below(5, id, 1, Stream::kPolicy, n);
      ASSERT_LT(v, n) << "n=" << n;
      if (n == 1) {
        ASSERT_EQ(v, 0u);
      }
    }
  }
}

TEST(DrawBelow, RoughlyUniform) {
  // 21 bins (battle's action count), 42000 draws: chi-square with 20 degrees of freedom has mean
  // 20 and standard deviation ~6.3; 60 is beyond p = 1e-5. Every bin must also be hit.
  constexpr int kBins = 21, kDraws = 42000;
  std::vector<int> count(kBins, 0);
  for (int d = 0; d < kDraws; ++d)
    ++count[draw_below(99, static_cast<uint32_t>(d % 1000), static_cast<uint32_t>(d / 1000), Stream::kPolicy, kBins)];
  const double expect = static_cast<double>(kDraws) / kBins;
  double chi2 = 0;
  for (int c : count) chi2 += (c - expect) * (c - expect) / expect;
  EXPECT_LT(chi2, 60.0);
  EXPECT_GT(chi2, 1.0);  // suspiciously perfect would mean a counter, not a generator
}

TEST(DrawBelow, HighBitUniformity) {
  // n = 2: the multiply-high keeps the top bit; about half of the draws must be 1.
  int ones = 0;
  for (uint32_t id = 0; id < 10000; ++id) ones += draw_below(3, id, 0, Stream::kUser, 2);
  EXPECT_NEAR(ones, 5000, 300);  // 6 standard deviations
}

TEST(PriorityKey, UniqueNonZeroAndIdInLowHalf) {
  std::set<unsigned long long> keys;
  for (int64_t id = 0; id < 5000; ++id) {
    const unsigned long long k = priority_key(7, 3, id, Stream::kMovePriority);
    EXPECT_NE(k, 0ULL);
    EXPECT_EQ(static_cast<uint32_t>(k), 0xFFFFFFFFu - static_cast<uint32_t>(id));
    EXPECT_EQ(static_cast<uint32_t>(k >> 32), draw_u32(7, static_cast<uint32_t>(id), 3, Stream::kMovePriority, 0));
    keys.insert(k);
  }
  EXPECT_EQ(keys.size(), 5000u);
  EXPECT_NE(priority_key(7, 3, 1, Stream::kMovePriority), priority_key(7, 3, 1, Stream::kAttackPriority));
  EXPECT_NE(priority_key(7, 3, 1, Stream::kMovePriority), priority_key(7, 4, 1, Stream::kMovePriority));
}

TEST(Bf16, ExactValues) {
  EXPECT_EQ(to_bf16(0.0f).bits, 0x0000);
  EXPECT_EQ(to_bf16(-0.0f).bits, 0x8000);
  EXPECT_EQ(to_bf16(1.0f).bits, 0x3F80);
  EXPECT_EQ(to_bf16(0.5f).bits, 0x3F00);
  EXPECT_EQ(to_bf16(-2.0f).bits, 0xC000);
  EXPECT_EQ(from_bf16(to_bf16(1.0f)), 1.0f);
  EXPECT_EQ(from_bf16(to_bf16(0.5f)), 0.5f);
  EXPECT_EQ(from_bf16(to_bf16(0.0f)), 0.0f);
  EXPECT_EQ(from_bf16(Bf16{0x3F81}), 1.0f + 1.0f / 128.0f);
}

TEST(Bf16, RoundToNearestEven) {
  // 1 + 2^-8 lies exactly between 0x3F80 (even) and 0x3F81: ties go to even (down).
  EXPECT_EQ(to_bf16(bits_float(0x3F808000u)).bits, 0x3F80);
  // 0x3F818000 lies between 0x3F81 (odd) and 0x3F82 (even): ties go to even (up).
  EXPECT_EQ(to_bf16(bits_float(0x3F818000u)).bits, 0x3F82);
  EXPECT_EQ(to_bf16(bits_float(0x3F808001u)).bits, 0x3F81);  // just above the tie
  EXPECT_EQ(to_bf16(bits_float(0x3F807FFFu)).bits, 0x3F80);  // just below the tie
  EXPECT_EQ(to_bf16(bits_float(0xBF818000u)).bits, 0xBF82);  // sign-magnitude: same for negatives
  // 1/3 = 0x3EAAAAAB -> 0x3EAB (the dropped half 0xAAAB is above the tie).
  EXPECT_EQ(to_bf16(1.0f / 3.0f).bits, 0x3EAB);
  // 0.81f = 0x3F4F5C29 -> 0x3F4F (0x5C29 is below the tie).
  EXPECT_EQ(to_bf16(0.81f).bits, 0x3F4F);
}

TEST(Bf16, InfinityNaNAndOverflow) {
  EXPECT_EQ(to_bf16(INFINITY).bits, 0x7F80);
  EXPECT_EQ(to_bf16(-INFINITY).bits, 0xFF80);
  EXPECT_TRUE(std::isnan(from_bf16(to_bf16(NAN))));
  EXPECT_EQ(to_bf16(bits_float(0x7F7FFFFFu)).bits, 0x7F80);  // FLT_MAX rounds up to infinity
}
