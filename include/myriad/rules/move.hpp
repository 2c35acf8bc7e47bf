// rules/move.hpp: moves resolved in claim rounds [ours] (rules.md §3.4). A round is two passes:
// claim (read the round's start state, atomicMax a priority on free target cells) and apply
// (winners move). The result is independent of thread order; two agents never swap.
#pragma once
#include "myriad/rules/priority.hpp"
#include "myriad/views.hpp"

namespace myriad {

constexpr int kMaxMoveRounds = 8;

// Per agent, once per step after recovery: which agents have a move to make.
MYRIAD_HD void begin_move(int64_t i, const AgentView& a, const GroupTable& gt) {
  const TypeParams& t = gt.type[a.group[i]];
  const int act = a.action[i];
  const bool moving = a.alive[i] && t.is_move(act) && (t.dx[act] != 0 || t.dy[act] != 0);
  a.move_state[i] = moving ? kMovePending : kMoveNone;
  a.decision[i] = 0;
}

MYRIAD_HD int64_t move_target_cell(int64_t i, const AgentView& a, const GridView& g,
                                   const GroupTable& gt, bool& on_map) {
  const TypeParams& t = gt.type[a.group[i]];
  const int act = a.action[i];
  const int tx = a.x[i] + t.dx[act], ty = a.y[i] + t.dy[act];
  on_map = g.dims.inside(tx, ty);
  return on_map ? g.dims.cell(tx, ty) : -1;
}

// Claim pass. AtomicMax is the only shared write; `max_fn(addr, key)` is atomicMax on the
// device and a plain max on the host. Writes decision[i]: 0 wait, 1 claimed, 2 failed.
template <typename MaxFn>
MYRIAD_HD void claim_move(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                          uint64_t seed, int64_t step, MaxFn max_fn) {
  a.decision[i] = 0;
  if (a.move_state[i] != kMovePending) return;
  bool on_map;
  const int64_t c = move_target_cell(i, a, g, gt, on_map);
  if (!on_map) { a.decision[i] = 2; return; }
  const int32_t o = g.occ[c];
  if (o == kEmpty) {
    max_fn(&g.claim[c], priority_key(seed, step, i, Stream::kMovePriority));
    a.decision[i] = 1;
  } else if (o == kWall || a.move_state[o] != kMovePending) {
    a.decision[i] = 2;  // a wall, or an agent that stays, moved already or is blocked
  }
  // else: held by a pending mover; wait for the next round
}

// Apply pass. Returns true when the agent's state changed (moved or failed).
MYRIAD_HD bool apply_move(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                          uint64_t seed, int64_t step) {
  if (a.move_state[i] != kMovePending) return false;
  if (a.decision[i] == 2) { a.move_state[i] = kMoveFailed; return true; }
  if (a.decision[i] != 1) return false;
  bool on_map;
  const int64_t c = move_target_cell(i, a, g, gt, on_map);
  if (g.claim[c] != priority_key(seed, step, i, Stream::kMovePriority)) return false;  // lost
  g.claim[c] = 0;  // only the winner clears; losers compare against 0 or the winner's key
  g.occ[g.dims.cell(a.x[i], a.y[i])] = kEmpty;
  g.occ[c] = static_cast<int32_t>(i);
  const TypeParams& t = gt.type[a.group[i]];
  a.x[i] += t.dx[a.action[i]];
  a.y[i] += t.dy[a.action[i]];
  a.move_state[i] = kMoveDone;
  return true;
}

}  // namespace myriad
