// rules/priority.hpp: the random priorities that make simultaneous rules order-free [ours]:
// a 64-bit key per (seed, step, agent, stream), unique because the low half encodes the id.
#pragma once
#include <cstdint>
#include "myriad/rng.hpp"

namespace myriad {

// Larger key = earlier / stronger. Never 0, so 0 can mean "no claim".
MYRIAD_HD unsigned long long priority_key(uint64_t seed, int64_t step, int64_t id, Stream s) {
  const uint32_t r = draw_u32(seed, static_cast<uint32_t>(id), static_cast<uint32_t>(step), s,
                              static_cast<uint32_t>(static_cast<uint64_t>(id) >> 32));
  return (static_cast<unsigned long long>(r) << 32) |
         static_cast<unsigned long long>(0xFFFFFFFFu - static_cast<uint32_t>(id));
}

}  // namespace myriad
