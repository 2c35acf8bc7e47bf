// rules/curriculum.hpp: incremental learning (algorithms.md, `grow_learners`): the learning set of a
// group grows linearly with the episodes, n_L(e) = min(N, n_0 + ⌊(N − n_0)·e / E_grow⌋); the group's
// other agents act uniformly at random (they still count in everyone's ā) and stay out of the replay.
// Which n_L agents learn is drawn anew every episode: the first n_L of the group's rows in a random
// order of the episode (a keyed permutation), so no part of a formation (battle's rear columns, say)
// is favoured. `grow_population` grows the number of agents on the map by the same n_L(e) instead
// (World::set_population), every one of them learning.
#pragma once
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rng.hpp"

namespace myriad {

// Stream of the curriculum's draws: the non-learners' uniform actions (counter = (agent id, step,
// stream, 0)) and the episode's order of the rows (counter = (half-word, episode, stream, round + 1)).
constexpr Stream kCurriculumStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 7);

// n_L(e) for a group of n agents: n_0 at episode 0, all n from episode e_grow on.
inline int64_t learning_agents(int64_t n, int64_t n0, int64_t episode, int64_t e_grow) {
  if (n0 >= n || e_grow <= 0 || episode >= e_grow) return n;
  if (episode <= 0) return n0;
  const int64_t grown = n0 + (n - n0) * episode / e_grow;
  return grown < n ? grown : n;
}

// Row r's place in the episode's order of a group's n rows: a bijection of [0, n) (a four-round Feistel
// network on the smallest even number of bits that covers n, walked back into [0, n)).
MYRIAD_HD uint32_t curriculum_rank(uint64_t seed, uint32_t episode, uint32_t r, uint32_t n) {
  int bits = 2;
  while (bits < 32 && (uint64_t{1} << bits) < n) bits += 2;
  const int h = bits / 2;
  const uint32_t mask = (uint32_t{1} << h) - 1;
  uint32_t x = r;
  do {
    uint32_t left = x >> h, right = x & mask;
    for (uint32_t k = 0; k < 4; ++k) {
      const uint32_t f = draw_u32(seed, right, episode, kCurriculumStream, k + 1) & mask;
      const uint32_t t = left ^ f;
      left = right;
      right = t;
    }
    x = (left << h) | right;
  } while (x >= n);
  return x;
}

// The learning set of a group this episode: learners of its `size` rows (all when learners >= size).
struct LearningSet {
  int64_t learners = INT64_MAX;
  int64_t size = 0;
  uint64_t seed = 0;
  uint32_t episode = 0;
  MYRIAD_HD bool learns(int64_t r) const {
    return learners >= size ||
           curriculum_rank(seed, episode, static_cast<uint32_t>(r), static_cast<uint32_t>(size)) < learners;
  }
};

// grow_population: a group of n agents fields ⌈n·n_L / n_lg⌉ of them (at least 1) when the learner's
// group of n_lg fields n_L, so the groups grow in proportion and the learner's fields exactly n_L.
inline int64_t population_in_proportion(int64_t n, int64_t n_lg, int64_t n_L) {
  if (n_lg <= 0 || n_L >= n_lg) return n;
  const int64_t p = (n * n_L + n_lg - 1) / n_lg;  // n, n_L < 2^31 (World's slots): no overflow
  return p < 1 ? (n > 0 ? 1 : 0) : (p > n ? n : p);
}

// The uniform action of a non-learning agent `id` at `step` among k.
MYRIAD_HD uint8_t curriculum_random_action(uint64_t seed, uint32_t id, uint32_t step, int k) {
  return static_cast<uint8_t>(draw_below(seed, id, step, kCurriculumStream, static_cast<uint32_t>(k)));
}

}  // namespace myriad
