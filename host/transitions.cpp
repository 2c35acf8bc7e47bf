// transitions.cpp: the kept transitions of a learner's group, chosen before the step and stored after it.
#include "myriad/transitions.hpp"

#include <algorithm>
#include <cmath>

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

KeptTransitions::KeptTransitions(TrainerOps& ops, const ReplayShape& shape, int64_t team, double fraction)
    : ops_(ops), shape_(shape), team_(team), capacity_(kept_capacity(team, fraction)), fraction_(fraction) {
  const size_t cap = static_cast<size_t>(capacity_);
  idx_ = ops_.alloc<int64_t>(static_cast<size_t>(team_));
  view_ = ops_.alloc<float>(cap * static_cast<size_t>(shape_.view_size));
  features_ = ops_.alloc<float>(cap * static_cast<size_t>(shape_.n_features));
  mean_ = ops_.alloc<float>(cap * static_cast<size_t>(shape_.n_actions));
}

size_t KeptTransitions::bytes(const ReplayShape& shape, int64_t team, double fraction) {
  return static_cast<size_t>(kept_capacity(team, fraction)) * static_cast<size_t>(shape.input_width()) * sizeof(float) +
         static_cast<size_t>(team) * sizeof(int64_t);
}

void KeptTransitions::choose(World& world, const TeamPolicy& team, InputMode m, const KeepParams& kp,
                             TransitionStaging& st) {
  const GroupBuffers b = world.group_buffers(team.group());
  // alive as both alive and died: kept iff alive now (reward, action and done outputs are unused). The
  // draws are keyed by the agent's slot: the group's first is team.begin().
  const int64_t m_kept = ops_.compact_transitions(kp, b.alive, b.alive, b.reward, b.action, team.count(), team.begin(),
                                                  idx_, st.reward, st.action, st.done);
  kept_ = std::min(m_kept, capacity_);
  const NetInputSource s = team.source(m);
  ops_.net_input(s, 0, idx_, kept_, NetInputDest{view_, s.view_size, features_, s.n_features, mean_, s.n_mean});
}

void KeptTransitions::store(World& world, const TeamPolicy& team, InputMode m, const KeepParams& kp,
                            TransitionStaging& st, ReplayBuffer& replay) {
  const GroupBuffers b = world.group_buffers(team.group());
  const int64_t n = kept_;
  if (n == 0) return;
  ops_.gather_transition_fields(kp, b.died, b.reward, b.action, idx_, n, st.reward, st.action, st.done);
  const NetInputSource next = team.source(m);
  const int64_t V = next.view_size, F = next.n_features, K = next.n_mean;
  const NetInputDest next_dest{st.next_view, V, st.next_features, F, st.next_mean, K};
  for (int64_t j0 = 0; j0 < n; j0 += st.chunk_rows) {
    const int64_t c = std::min(st.chunk_rows, n - j0);
    ops_.net_input(next, 0, idx_ + j0, c, next_dest);
    replay.append(TransitionBatch{c, view_ + j0 * V, features_ + j0 * F, st.action + j0, mean_ + j0 * K,
                                  st.reward + j0, st.done + j0, st.next_view, st.next_features, st.next_mean});
  }
}

}  // namespace myriad
