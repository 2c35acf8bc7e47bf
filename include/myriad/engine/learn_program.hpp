// engine/learn_program.hpp: LearnProgram, the learners' data-parallel work on one backend (its executor
// over engine/learn_phases.hpp): network inputs read from the world, TD targets, the losses' gradients,
// the choice of the transitions to keep, the replay's element copies, action selection. A Backend owns one; TrainerOps,
// ReplayBuffer and select_actions call it. Every pointer is the backend's memory.
#pragma once
#include <cstdint>

#include "myriad/rules/curriculum.hpp"
#include "myriad/rules/keep.hpp"
#include "myriad/rules/loss.hpp"
#include "myriad/rules/mixer.hpp"
#include "myriad/rules/net_input.hpp"
#include "myriad/rules/replay.hpp"
#include "myriad/rules/select.hpp"
#include "myriad/rules/td.hpp"

namespace myriad {

class LearnProgram {
 public:
  virtual ~LearnProgram() = default;
  // rows × s.width() elements: row r is agent first_id + r (or first_id + ids[r]), written to d.
  virtual void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows,
                         const NetInputDest& d) const = 0;
  // y[b] = td_target(...) for b < batch (q_on may be null unless p.kind is kGreedyDouble).
  virtual void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done,
                          const float* q_tgt, const float* q_on, float* y) const = 0;
  // td_loss_row for b < batch: dz [batch][k] and the squared errors terms [batch].
  virtual void td_loss(int64_t batch, int k, const float* q, const int* actions, const float* y, float inv_denom,
                       float* dz, float* terms) const = 0;
  // policy_loss_row for b < batch: dz [batch][k], −A·log π_a and the entropy per row.
  virtual void policy_loss(const PolicyLossParams& p, int64_t batch, const float* logits, const float* q,
                           const int* actions, float* dz, float* pg_terms, float* entropy) const = 0;
  // out[0] = Σ terms[b] in double, out[1] = n; out is the backend's memory, so a loss can stay there
  // until the episode ends. A logged metric only (no update reads it): index order on the CPU, an
  // unspecified order on the device, so the device's last bits may differ from run to run.
  virtual void sum_terms(const float* terms, int64_t n, double* out) const = 0;
  // dst [rows][cols] = the first cols columns of src [rows][src_stride] (an actor's rows without ā).
  virtual void copy_columns(const float* src, int64_t src_stride, int64_t rows, int cols, float* dst) const = 0;
  // flags[r] = 1 when row r's transition (agent first_id + r) is kept.
  virtual void keep_flags(const KeepParams& p, const uint8_t* alive, const uint8_t* died, int64_t count,
                          int64_t first_id, int32_t* flags) const = 0;
  // Kept row r goes to position pos[r] (an exclusive scan of the flags): idx and the stored fields.
  virtual void compact(const KeepParams& p, const int32_t* flags, const int32_t* pos, const uint8_t* alive,
                       const uint8_t* died, const float* reward, const uint8_t* action, int64_t count, int64_t* idx,
                       float* out_reward, uint8_t* out_action, uint8_t* out_done) const = 0;
  // The stored fields of the m transitions whose rows are idx[0..m).
  virtual void transition_fields(const KeepParams& p, const uint8_t* alive, const uint8_t* died, const float* reward,
                                 const uint8_t* action, const int64_t* idx, int64_t m, float* out_reward,
                                 uint8_t* out_action, uint8_t* out_done) const = 0;
  // keys[j] = the map tile (tile × tile cells, tiles_x a row) of the agent of row idx[j], vals[j] = j.
  virtual void tile_keys(const int32_t* x, const int32_t* y, const int64_t* idx, int64_t m, int tile, int tiles_x,
                         uint32_t* keys, int32_t* vals) const = 0;
  // After a stable sort of (keys, vals): idx_out[j] = idx_in[vals[j]], start[j] = 1 where a tile begins.
  virtual void order_by_tile(const int64_t* idx_in, const uint32_t* sorted_keys, const int32_t* sorted_vals, int64_t m,
                             int64_t* idx_out, uint8_t* start) const = 0;
  // mixer_target_window / mixer_loss_window for w < windows (rules/mixer.hpp).
  virtual void mixer_targets(const MixerParams& p, int64_t windows, const float* reward, const float* done,
                             const uint8_t* start, const float* q_tgt, const float* q_on, const float* h_next,
                             float* y) const = 0;
  virtual void mixer_loss(const MixerParams& p, int64_t windows, const float* done, const uint8_t* start,
                          const float* q, const int* actions, const float* h, const float* y, float* dq, float* dh,
                          float* terms) const = 0;
  // out[0] = Σ over rows with alive[r] of max_a q[r][a], out[1] = their number (a metric).
  virtual void max_q_sum(const float* q, int k, const uint8_t* alive, int64_t count, double* out) const = 0;
  virtual void replay_append(const ReplayStorage& st, const TransitionBatch& in, int64_t skip,
                             int64_t base) const = 0;
  virtual void replay_gather(const ReplayStorage& st, const int64_t* slots, int64_t batch,
                             const ReplayBatch& out) const = 0;
  virtual void replay_sample_slots(uint64_t seed, uint32_t draw, int64_t size, int64_t batch,
                                   int64_t* slots) const = 0;
  // slots[w·window + j] = window_slot(seed, draw, w, j, size, window, aligned).
  virtual void replay_window_slots(uint64_t seed, uint32_t draw, int64_t size, int64_t windows, int64_t window,
                                   bool aligned, int64_t* slots) const = 0;
  // actions[r] = curriculum_random_action(seed, first_id + r, step, k) for the rows r < count outside
  // the learning set: a group's non-learners under incremental learning.
  virtual void random_actions(const LearningSet& set, uint64_t seed, uint32_t step, int64_t count, int64_t first_id,
                              int k, uint8_t* actions) const = 0;
  // actions[i] from row i of q by p's mode (rules/select.hpp); ids null: id = row.
  virtual void select_actions(const SelectParams& p, const float* q, int64_t n, const uint32_t* ids,
                              uint8_t* actions) const = 0;
};

}  // namespace myriad
