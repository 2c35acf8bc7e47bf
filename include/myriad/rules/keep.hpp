// rules/keep.hpp: which transitions of a step go to the replay (agents alive at its start that
// keep_transition draws for) and the fields stored for each: one rule for the CPU loop and the kernel.
#pragma once
#include <cstdint>

#include "myriad/hd.hpp"
#include "myriad/rng.hpp"
#include "myriad/rules/curriculum.hpp"
#include "myriad/rules/select.hpp"

namespace myriad {

constexpr Stream kReplaySampleStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 5);
constexpr Stream kReplayKeepStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 6);

// Whether agent `id`'s transition of step `step` is stored: u < fraction, u from kReplayKeepStream
// (fraction 1 keeps all, 0 none).
MYRIAD_HD bool keep_transition(uint64_t seed, uint32_t step, uint32_t id, float fraction) {
  return unit_float(draw_u32(seed, id, step, kReplayKeepStream)) < fraction;
}

// Which transitions of the step just played go to the replay: those of agents alive at its start
// (alive now or died in it) that keep_transition draws for (seed, step, id), done = died || terminal.
struct KeepParams {
  uint64_t seed = 0;
  uint32_t step = 0;
  float fraction = 1.0f;
  bool terminal = false;  // the step ended the episode by elimination (not by the time limit)
  // Incremental learning: only the learning set's rows are stored (the others act at random).
  LearningSet learning;
  // reward_mode = team: every stored transition's reward is the group's summed reward of the step.
  bool team = false;
  float team_reward = 0.0f;
  // A team mixer's whole-group steps: every row of the group is stored, in row order; a row whose agent
  // was not alive at the step's start, or does not learn, is stored absent (done = 2, rules/mixer.hpp).
  bool whole_group = false;
};

MYRIAD_HD bool transition_kept(const KeepParams& p, uint8_t alive, uint8_t died, int64_t id) {
  return (alive != 0 || died != 0) && keep_transition(p.seed, p.step, static_cast<uint32_t>(id), p.fraction);
}

// The same for row r of a group, which must be in the learning set.
MYRIAD_HD bool row_kept(const KeepParams& p, uint8_t alive, uint8_t died, int64_t r, int64_t id) {
  return p.whole_group || (transition_kept(p, alive, died, id) && p.learning.learns(r));
}

// The stored fields of kept transition j, row r of the group's slices (after the step): reward (the
// agent's, or the group's sum with reward_mode = team), action, done = died || terminal, or 2 for a
// whole-group row that takes no part (neither alive now nor died in the step, or not learning).
MYRIAD_HD void transition_fields(const KeepParams& p, int64_t j, int64_t r, const uint8_t* alive, const uint8_t* died,
                                 const float* reward, const uint8_t* action, float* out_reward, uint8_t* out_action,
                                 uint8_t* out_done) {
  out_reward[j] = p.team ? p.team_reward : reward[r];
  out_action[j] = action[r];
  const bool absent = p.whole_group && ((alive[r] == 0 && died[r] == 0) || !p.learning.learns(r));
  out_done[j] = absent ? 2 : died[r] != 0 || p.terminal ? 1 : 0;
}

}  // namespace myriad
