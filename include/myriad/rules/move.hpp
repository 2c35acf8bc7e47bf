// rules/move.hpp: moves resolved in claim rounds [ours] (rules.md §3.4, games.md §1.2). A move is a jump of
// the whole body; every target cell must be inside the map, not a wall, and free or the mover's own. A
// round is claim (read the round's start state, atomicMax a priority on every free target cell), apply
// (an agent that holds all its cells moves) and, with multi-cell bodies, release (every claim is
// cleared, so a body that lost one of its cells leaves none behind). Independent of thread order; two
// agents never swap.
#pragma once
#include "myriad/rules/fp.hpp"
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

// The anchor agent i moves to; false when the body would leave the map.
MYRIAD_HD bool move_target(int64_t i, const AgentView& a, const GridView& g, const TypeParams& t, int& tx, int& ty) {
  const int act = a.action[i];
  tx = a.x[i] + t.dx[act];
  ty = a.y[i] + t.dy[act];
  return tx >= 0 && ty >= 0 && tx + t.body_w <= g.dims.width && ty + t.body_h <= g.dims.height;
}

// Claim pass. AtomicMax is the only shared write; `max_fn(addr, key)` is atomicMax on the
// device and an atomic max on the host. Writes decision[i]: 0 wait, 1 claimed, 2 failed.
template <typename MaxFn>
MYRIAD_HD void claim_move(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                          uint64_t seed, int64_t step, MaxFn max_fn) {
  a.decision[i] = 0;
  if (a.move_state[i] != kMovePending) return;
  const TypeParams& t = gt.type[a.group[i]];
  int tx, ty;
  if (!move_target(i, a, g, t, tx, ty)) { a.decision[i] = 2; return; }
  bool wait = false;
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) {
      const int32_t o = g.occ[g.dims.cell(tx + bx, ty + by)];
      if (o == kEmpty || o == i) continue;
      if (o == kWall || a.move_state[o] != kMovePending) { a.decision[i] = 2; return; }  // held for good
      wait = true;  // held by a pending mover: try again next round
    }
  if (wait) return;
  const unsigned long long key = priority_key(seed, step, i, Stream::kMovePriority);
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) {
      const int64_t c = g.dims.cell(tx + bx, ty + by);
      if (g.occ[c] != i) max_fn(&g.claim[c], key);
    }
  a.decision[i] = 1;
}

// Apply pass. Returns true when the agent's state changed (moved or failed).
MYRIAD_HD bool apply_move(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                          uint64_t seed, int64_t step) {
  if (a.move_state[i] != kMovePending) return false;
  if (a.decision[i] == 2) { a.move_state[i] = kMoveFailed; return true; }
  if (a.decision[i] != 1) return false;
  const TypeParams& t = gt.type[a.group[i]];
  int tx, ty;
  move_target(i, a, g, t, tx, ty);
  const unsigned long long key = priority_key(seed, step, i, Stream::kMovePriority);
  // Cells other than its own are the ones it claimed; only it writes its id, so the test is stable. A
  // cell another thread writes in this pass is one this agent lost: it reads that winner's key or 0.
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) {
      const int64_t c = g.dims.cell(tx + bx, ty + by);
      if (load_relaxed(&g.occ[c]) != i && load_relaxed(&g.claim[c]) != key) return false;  // lost a cell
    }
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) {
      const int64_t c = g.dims.cell(tx + bx, ty + by);
      if (load_relaxed(&g.occ[c]) != i) store_relaxed(&g.claim[c], 0ULL);  // only the winner clears
    }
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) store_relaxed(&g.occ[g.dims.cell(a.x[i] + bx, a.y[i] + by)], kEmpty);
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx)
      store_relaxed(&g.occ[g.dims.cell(tx + bx, ty + by)], static_cast<int32_t>(i));
  a.x[i] = tx;
  a.y[i] = ty;
  a.move_state[i] = kMoveDone;
  return true;
}

// Release pass (multi-cell bodies only, after apply): a claimant that lost one of its cells may hold the
// highest claim on another; every claim of the round is cleared before the next.
MYRIAD_HD void release_claims(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt) {
  if (a.decision[i] != 1) return;
  const TypeParams& t = gt.type[a.group[i]];
  const int act = a.action[i];
  // The target of the round's claim: from the position the claim was made at (a winner has moved).
  const int tx = a.move_state[i] == kMoveDone ? a.x[i] : a.x[i] + t.dx[act];
  const int ty = a.move_state[i] == kMoveDone ? a.y[i] : a.y[i] + t.dy[act];
  for (int by = 0; by < t.body_h; ++by)
    for (int bx = 0; bx < t.body_w; ++bx) store_relaxed(&g.claim[g.dims.cell(tx + bx, ty + by)], 0ULL);
}

}  // namespace myriad
