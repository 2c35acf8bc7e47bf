// transitions.hpp: the transitions a learner keeps of each step. The set is known before the step (the
// agents alive at its start that keep_transition draws for): choose() compacts it into the learner's row
// list and gathers their (o, features, ā) from the world's buffers; store(), after the step, gathers
// reward, action and done for the same rows, assembles o′ chunk by chunk in the shared staging and
// appends to the replay. No rows of a whole team are ever assembled; one 8-byte count comes back to the
// host per step (the compaction's total).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "myriad/replay.hpp"
#include "myriad/rules/keep.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {

// Rows a learner's pre-step gather holds: the team, or the kept count's mean + 8 standard deviations
// + 1024 (store_fraction·team of team draws; more is dropped, with odds below 1e-15 a step).
int64_t kept_capacity(int64_t team, double store_fraction);

// What the learners share, one at a time: o′ of a chunk of kept rows (split view / features / ā) and the
// stored fields (reward, action, done) of up to a team's kept rows. Sized for the largest learning group.
struct TransitionStaging {
  TransitionStaging(TrainerOps& ops, int64_t max_team, int64_t chunk_rows, const ReplayShape& largest);
  static size_t bytes(int64_t max_team, int64_t chunk_rows, const ReplayShape& largest);
  int64_t chunk_rows = 0;
  float *next_view = nullptr, *next_features = nullptr, *next_mean = nullptr, *reward = nullptr;
  uint8_t *action = nullptr, *done = nullptr;
};

// How a mixer's rows are grouped in its replay (rules/mixer.hpp): not at all (the per-agent learners),
// a whole team per step (every row, in row order: KeepParams::whole_group), or map tiles of tile × tile
// cells (the kept rows sorted by tile, a group starting at each tile's first).
struct RowGrouping {
  enum Mode : uint8_t { kNone, kTeam, kTiles } mode = kNone;
  int tile = 16, tiles_x = 1, tiles_y = 1;
};

class KeptTransitions {
 public:
  // team: the agents of the groups this learner plays (all of one size); fraction: store_fraction.
  KeptTransitions(TrainerOps& ops, const ReplayShape& shape, int64_t team, double fraction, RowGrouping g = {});
  static size_t bytes(const ReplayShape& shape, int64_t team, double fraction, RowGrouping g = {});

  // Before the step: the kept rows of team's group (drawn by kp) and their o in layout m.
  void choose(World& world, const TeamPolicy& team, InputMode m, const KeepParams& kp, TransitionStaging& st);
  // After the step: the chosen rows' transitions (done from kp.terminal and the deaths) into replay.
  void store(World& world, const TeamPolicy& team, InputMode m, const KeepParams& kp, TransitionStaging& st,
             ReplayBuffer& replay);
  int64_t kept() const { return kept_; }
  // The chosen rows (agent rows of the group) and, grouped, where each group starts (host copies).
  std::vector<int64_t> rows_host() const;
  std::vector<uint8_t> starts_host() const;

 private:
  void order_by_tile(const GroupBuffers& b);

  TrainerOps& ops_;
  ReplayShape shape_;
  RowGrouping grouping_;
  int64_t team_ = 0, capacity_ = 0, kept_ = 0;
  double fraction_ = 1.0;
  int64_t* idx_ = nullptr;  // a team's worth: the compaction writes up to every row
  int64_t* idx_sorted_ = nullptr;  // tiles: idx_ ordered by tile
  float *view_ = nullptr, *features_ = nullptr, *mean_ = nullptr;
  uint8_t* start_ = nullptr;  // grouped: [capacity] group starts of the kept rows
  uint32_t *keys_ = nullptr, *sorted_keys_ = nullptr;
  int32_t *vals_ = nullptr, *sorted_vals_ = nullptr;
  int key_bits_ = 0;
};

}  // namespace myriad
