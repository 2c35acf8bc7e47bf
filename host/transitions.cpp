// transitions.cpp: the kept transitions of a learner's group, chosen before the step and stored after it.
#include "myriad/transitions.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace myriad {

int64_t kept_capacity(int64_t team, double f) {
  const double n = static_cast<double>(team);
  const double cap = std::ceil(f * n + 8.0 * std::sqrt(n * f * (1.0 - f)) + 1024.0);
  return cap >= n ? team : static_cast<int64_t>(cap);
}

TransitionStaging::TransitionStaging(TrainerOps& ops, int64_t max_team, int64_t rows, const ReplayShape& s)
    : chunk_rows(rows) {
  const size_t S = static_cast<size_t>(rows), n = static_cast<size_t>(max_team);
  next_view = ops.alloc<float>(S * static_cast<size_t>(s.view_size));
  next_features = ops.alloc<float>(S * static_cast<size_t>(s.n_features));
  next_mean = ops.alloc<float>(S * static_cast<size_t>(s.n_actions));
  reward = ops.alloc<float>(n);
  action = ops.alloc<uint8_t>(n);
  done = ops.alloc<uint8_t>(n);
}

size_t TransitionStaging::bytes(int64_t max_team, int64_t rows, const ReplayShape& s) {
  const size_t S = static_cast<size_t>(rows), n = static_cast<size_t>(max_team);
  return S * static_cast<size_t>(s.input_width()) * sizeof(float) + n * (sizeof(float) + 2);
}

namespace {
int64_t rows_capacity(int64_t team, double fraction, RowGrouping g) {
  return g.mode == RowGrouping::kTeam ? team : kept_capacity(team, fraction);
}
int bits_for(int64_t n) {
  int b = 0;
  while (b < 32 && (int64_t{1} << b) < n) ++b;
  return b;
}
}  // namespace

KeptTransitions::KeptTransitions(TrainerOps& ops, const ReplayShape& shape, int64_t team, double fraction,
                                 RowGrouping g)
    : ops_(ops),
      shape_(shape),
      grouping_(g),
      team_(team),
      capacity_(rows_capacity(team, fraction, g)),
      fraction_(fraction) {
  const size_t cap = static_cast<size_t>(capacity_);
  idx_ = ops_.alloc<int64_t>(static_cast<size_t>(team_));
  view_ = ops_.alloc<float>(cap * static_cast<size_t>(shape_.view_size));
  features_ = ops_.alloc<float>(cap * static_cast<size_t>(shape_.n_features));
  mean_ = ops_.alloc<float>(cap * static_cast<size_t>(shape_.n_actions));
  if (g.mode == RowGrouping::kNone) return;
  start_ = ops_.alloc<uint8_t>(cap);
  if (g.mode == RowGrouping::kTeam) {  // one group a step: its first row starts it
    const uint8_t one = 1;
    if (cap > 0) ops_.from_host(start_, &one, 1);
    return;
  }
  idx_sorted_ = ops_.alloc<int64_t>(static_cast<size_t>(team_));
  keys_ = ops_.alloc<uint32_t>(static_cast<size_t>(team_));
  sorted_keys_ = ops_.alloc<uint32_t>(static_cast<size_t>(team_));
  vals_ = ops_.alloc<int32_t>(static_cast<size_t>(team_));
  sorted_vals_ = ops_.alloc<int32_t>(static_cast<size_t>(team_));
  key_bits_ = bits_for(static_cast<int64_t>(g.tiles_x) * g.tiles_y);
  ops_.backend().reserve_primitives(team_, key_bits_);
}

size_t KeptTransitions::bytes(const ReplayShape& shape, int64_t team, double fraction, RowGrouping g) {
  const size_t cap = static_cast<size_t>(rows_capacity(team, fraction, g)), n = static_cast<size_t>(team);
  size_t b = cap * static_cast<size_t>(shape.input_width()) * sizeof(float) + n * sizeof(int64_t);
  if (g.mode != RowGrouping::kNone) b += cap;
  if (g.mode == RowGrouping::kTiles) b += n * (sizeof(int64_t) + 2 * sizeof(uint32_t) + 2 * sizeof(int32_t));
  return b;
}

// The kept rows ordered by their agents' tiles (a stable sort: row order within a tile), and the
// first row of each tile marked.
void KeptTransitions::order_by_tile(const GroupBuffers& b) {
  if (kept_ == 0) return;
  const LearnProgram& learn = ops_.backend().learn();
  learn.tile_keys(b.x, b.y, idx_, kept_, grouping_.tile, grouping_.tiles_x, keys_, vals_);
  ops_.backend().sort_pairs(keys_, sorted_keys_, vals_, sorted_vals_, kept_, key_bits_);
  learn.order_by_tile(idx_, sorted_keys_, sorted_vals_, kept_, idx_sorted_, start_);
  std::swap(idx_, idx_sorted_);
}

std::vector<int64_t> KeptTransitions::rows_host() const {
  std::vector<int64_t> h(static_cast<size_t>(kept_));
  if (kept_ > 0) ops_.backend().to_host(h.data(), idx_, h.size() * sizeof(int64_t));
  return h;
}

std::vector<uint8_t> KeptTransitions::starts_host() const {
  std::vector<uint8_t> h(start_ != nullptr ? static_cast<size_t>(kept_) : 0);
  if (!h.empty()) ops_.backend().to_host(h.data(), start_, h.size());
  return h;
}

void KeptTransitions::choose(World& world, const TeamPolicy& team, InputMode m, const KeepParams& kp,
                             TransitionStaging& st) {
  const GroupBuffers b = world.group_buffers(team.group());
  // alive as both alive and died: kept iff alive now (reward, action and done outputs are unused). The
  // draws are keyed by the agent's slot: the group's first is team.begin().
  const int64_t m_kept = ops_.compact_transitions(kp, b.alive, b.alive, b.reward, b.action, team.count(), team.begin(),
                                                  idx_, st.reward, st.action, st.done);
  kept_ = std::min(m_kept, capacity_);
  if (grouping_.mode == RowGrouping::kTiles) order_by_tile(b);
  const NetInputSource s = team.source(m);
  ops_.net_input(s, 0, idx_, kept_, NetInputDest{view_, s.view_size, features_, s.n_features, mean_, s.n_mean});
}

void KeptTransitions::store(World& world, const TeamPolicy& team, InputMode m, const KeepParams& kp,
                            TransitionStaging& st, ReplayBuffer& replay) {
  const GroupBuffers b = world.group_buffers(team.group());
  const int64_t n = kept_;
  if (n == 0) return;
  ops_.gather_transition_fields(kp, b.alive, b.died, b.reward, b.action, idx_, n, st.reward, st.action, st.done);
  const NetInputSource next = team.source(m);
  const int64_t V = next.view_size, F = next.n_features, K = next.n_mean;
  const NetInputDest next_dest{st.next_view, V, st.next_features, F, st.next_mean, K};
  for (int64_t j0 = 0; j0 < n; j0 += st.chunk_rows) {
    const int64_t c = std::min(st.chunk_rows, n - j0);
    ops_.net_input(next, 0, idx_ + j0, c, next_dest);
    replay.append(TransitionBatch{c, view_ + j0 * V, features_ + j0 * F, st.action + j0, mean_ + j0 * K,
                                  st.reward + j0, st.done + j0, st.next_view, st.next_features, st.next_mean,
                                  start_ != nullptr ? start_ + j0 : nullptr});
  }
}

}  // namespace myriad
