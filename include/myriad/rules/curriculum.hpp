// rules/curriculum.hpp: incremental learning (algorithms.md, `grow_learners`): the learning set of a
// group grows linearly with the episodes, n_L(e) = min(N, n_0 + ⌊(N − n_0)·e / E_grow⌋); the group's
// other agents act uniformly at random (they still count in everyone's ā) and stay out of the replay.
// The learners are the group's first n_L rows (its slots are placed at random, so this is no bias).
#pragma once
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rng.hpp"

namespace myriad {

// Stream of the non-learners' uniform actions (counter = (agent id, step, stream, 0)).
constexpr Stream kCurriculumStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 7);

// n_L(e) for a group of n agents: n_0 at episode 0, all n from episode e_grow on.
inline int64_t learning_agents(int64_t n, int64_t n0, int64_t episode, int64_t e_grow) {
  if (n0 >= n || e_grow <= 0 || episode >= e_grow) return n;
  if (episode <= 0) return n0;
  const int64_t grown = n0 + (n - n0) * episode / e_grow;
  return grown < n ? grown : n;
}

// The uniform action of a non-learning agent `id` at `step` among k.
MYRIAD_HD uint8_t curriculum_random_action(uint64_t seed, uint32_t id, uint32_t step, int k) {
  return static_cast<uint8_t>(draw_below(seed, id, step, kCurriculumStream, static_cast<uint32_t>(k)));
}

}  // namespace myriad
