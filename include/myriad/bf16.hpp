// bf16.hpp: bfloat16 storage as uint16_t with round-to-nearest-even done in integer arithmetic,
// so host and device produce the same bits (compact observations, later network inputs).
#pragma once
#include <cstdint>
#include <cstring>
#include "myriad/hd.hpp"

namespace myriad {

struct Bf16 { uint16_t bits; };

MYRIAD_HD uint32_t float_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}

MYRIAD_HD float bits_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

MYRIAD_HD Bf16 to_bf16(float f) {
  uint32_t u = float_bits(f);
  if ((u & 0x7F800000u) == 0x7F800000u && (u & 0x007FFFFFu) != 0) return Bf16{0x7FC0};  // NaN
  u += 0x7FFFu + ((u >> 16) & 1u);
  return Bf16{static_cast<uint16_t>(u >> 16)};
}

MYRIAD_HD float from_bf16(Bf16 b) { return bits_float(static_cast<uint32_t>(b.bits) << 16); }

// Observation storage: one overload per compact dtype, chosen by template parameter.
MYRIAD_HD void store_value(float* dst, float v) { *dst = v; }
MYRIAD_HD void store_value(Bf16* dst, float v) { *dst = to_bf16(v); }
MYRIAD_HD float load_value(const float* src) { return *src; }
MYRIAD_HD float load_value(const Bf16* src) { return from_bf16(*src); }

}  // namespace myriad
