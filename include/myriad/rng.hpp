// rng.hpp: counter-based Philox4x32-10, identical on host and device.
// Every random draw in Myriad is a pure function of (seed, agent/cell id, step, stream, draw).
#pragma once
#include <cstdint>
#include "myriad/hd.hpp"

namespace myriad {

struct U32x4 { uint32_t v[4]; };

MYRIAD_HD void mulhilo32(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

// Philox4x32 with 10 rounds (Salmon et al., SC'11), key = (k0, k1).
MYRIAD_HD U32x4 philox4x32_10(U32x4 ctr, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo32(0xD2511F53u, ctr.v[0], hi0, lo0);
    mulhilo32(0xCD9E8D57u, ctr.v[2], hi1, lo1);
    U32x4 next;
    next.v[0] = hi1 ^ ctr.v[1] ^ k0;
    next.v[1] = lo1;
    next.v[2] = hi0 ^ ctr.v[3] ^ k1;
    next.v[3] = lo0;
    ctr = next;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return ctr;
}

// What a draw is for; part of the counter so that streams never collide.
enum class Stream : uint32_t {
  kAttackPriority = 1,
  kMovePriority = 2,
  kPolicy = 3,
  kPlacement = 4,
  kUser = 16,  // first stream free for later subsystems (exploration, replay, ...)
};

// One 32-bit draw: key = seed, counter = (id, step, stream, draw).
MYRIAD_HD uint32_t draw_u32(uint64_t seed, uint32_t id, uint32_t step, Stream stream,
                            uint32_t draw = 0) {
  U32x4 c{{id, step, static_cast<uint32_t>(stream), draw}};
  return philox4x32_10(c, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)).v[0];
}

// Uniform integer in [0, n) by multiply-high (no division, same on both backends).
MYRIAD_HD uint32_t draw_below(uint64_t seed, uint32_t id, uint32_t step, Stream stream,
                              uint32_t n, uint32_t draw = 0) {
  return static_cast<uint32_t>((static_cast<uint64_t>(draw_u32(seed, id, step, stream, draw)) * n) >> 32);
}

// splitmix64 of (x, salt): independent stream seeds derived from a run's seed (networks, selection,
// keeping, episodes).
inline uint64_t seed_mix(uint64_t x, uint64_t salt) {
  uint64_t z = x + 0x9E3779B97F4A7C15ull * (salt + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace myriad
