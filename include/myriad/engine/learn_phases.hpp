// engine/learn_phases.hpp: the learners' data-parallel operations written once over an executor, each a
// loop over a shared rule (rules/net_input.hpp, td.hpp, keep.hpp, replay.hpp, select.hpp). Instantiated
// in host/cpu_backend.cpp and kernels/cuda_backend.cu (LearnProgramFor<Exec>).
#pragma once
#include "myriad/engine/learn_program.hpp"
#include "myriad/exec.hpp"

namespace myriad {

template <typename Ex>
class LearnProgramFor final : public LearnProgram {
 public:
  explicit LearnProgramFor(Ex ex) : ex_(ex) {}

  void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows,
                 const NetInputDest& d) const override {
    ex_.for_each_wide(rows, static_cast<int>(s.width()),
                      MYRIAD_LAMBDA(int64_t r, int c) { net_input_element(s, first_id, ids, r, c, d); });
  }
  void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done, const float* q_tgt,
                  const float* q_on, float* y) const override {
    ex_.for_each(batch, MYRIAD_LAMBDA(int64_t b) { td_target_row(p, b, reward, done, q_tgt, q_on, y); });
  }
  void td_loss(int64_t batch, int k, const float* q, const int* actions, const float* y, float inv_denom, float* dz,
               float* terms) const override {
    ex_.for_each(batch, MYRIAD_LAMBDA(int64_t b) { td_loss_row(b, k, q, actions, y, inv_denom, dz, terms); });
  }
  void policy_loss(const PolicyLossParams& p, int64_t batch, const float* logits, const float* q, const int* actions,
                   float* dz, float* pg_terms, float* entropy) const override {
    ex_.for_each(batch,
                 MYRIAD_LAMBDA(int64_t b) { policy_loss_row(p, b, logits, q, actions, dz, pg_terms, entropy); });
  }
  void sum_terms(const float* terms, int64_t n, double* out) const override {
    ex_.sum_f64(n, MYRIAD_LAMBDA(int64_t b, double* acc) {
      acc[0] += terms[b];
      acc[1] += 1.0;
    }, out);
  }
  void copy_columns(const float* src, int64_t src_stride, int64_t rows, int cols, float* dst) const override {
    ex_.for_each_wide(rows, cols, MYRIAD_LAMBDA(int64_t r, int c) { dst[r * cols + c] = src[r * src_stride + c]; });
  }
  void keep_flags(const KeepParams& p, const uint8_t* alive, const uint8_t* died, int64_t count, int64_t first_id,
                  int32_t* flags) const override {
    ex_.for_each(count,
                 MYRIAD_LAMBDA(int64_t r) { flags[r] = row_kept(p, alive[r], died[r], r, first_id + r) ? 1 : 0; });
  }
  void compact(const KeepParams& p, const int32_t* flags, const int32_t* pos, const uint8_t* alive,
               const uint8_t* died, const float* reward, const uint8_t* action, int64_t count, int64_t* idx,
               float* out_reward, uint8_t* out_action, uint8_t* out_done) const override {
    ex_.for_each(count, MYRIAD_LAMBDA(int64_t r) {
      if (!flags[r]) return;
      const int64_t j = pos[r];
      idx[j] = r;
      myriad::transition_fields(p, j, r, alive, died, reward, action, out_reward, out_action, out_done);
    });
  }
  void transition_fields(const KeepParams& p, const uint8_t* alive, const uint8_t* died, const float* reward,
                         const uint8_t* action, const int64_t* idx, int64_t m, float* out_reward, uint8_t* out_action,
                         uint8_t* out_done) const override {
    ex_.for_each(m, MYRIAD_LAMBDA(int64_t j) {
      myriad::transition_fields(p, j, idx[j], alive, died, reward, action, out_reward, out_action, out_done);
    });
  }
  void tile_keys(const int32_t* x, const int32_t* y, const int64_t* idx, int64_t m, int tile, int tiles_x,
                 uint32_t* keys, int32_t* vals) const override {
    ex_.for_each(m, MYRIAD_LAMBDA(int64_t j) {
      const int64_t r = idx[j];
      keys[j] = static_cast<uint32_t>((y[r] / tile) * tiles_x + x[r] / tile);
      vals[j] = static_cast<int32_t>(j);
    });
  }
  void order_by_tile(const int64_t* idx_in, const uint32_t* sorted_keys, const int32_t* sorted_vals, int64_t m,
                     int64_t* idx_out, uint8_t* start) const override {
    ex_.for_each(m, MYRIAD_LAMBDA(int64_t j) {
      idx_out[j] = idx_in[sorted_vals[j]];
      start[j] = j == 0 || sorted_keys[j] != sorted_keys[j - 1] ? 1 : 0;
    });
  }
  void mixer_targets(const MixerParams& p, int64_t windows, const float* reward, const float* done,
                     const uint8_t* start, const float* q_tgt, const float* q_on, const float* h_next,
                     float* y) const override {
    ex_.for_each(windows, MYRIAD_LAMBDA(int64_t w) {
      mixer_target_window(p, w, reward, done, start, q_tgt, q_on, h_next, y);
    });
  }
  void mixer_loss(const MixerParams& p, int64_t windows, const float* done, const uint8_t* start, const float* q,
                  const int* actions, const float* h, const float* y, float* dq, float* dh,
                  float* terms) const override {
    const float inv = 1.0f / static_cast<float>(windows);
    ex_.for_each(windows, MYRIAD_LAMBDA(int64_t w) {
      mixer_loss_window(p, w, done, start, q, actions, h, y, inv, dq, dh, terms);
    });
  }
  void max_q_sum(const float* q, int k, const uint8_t* alive, int64_t count, double* out) const override {
    ex_.sum_f64(count, MYRIAD_LAMBDA(int64_t r, double* acc) {
      if (!alive[r]) return;
      const float* row = q + r * k;
      acc[0] += row[argmax(row, k)];
      acc[1] += 1.0;
    }, out);
  }
  void replay_append(const ReplayStorage& st, const TransitionBatch& in, int64_t skip, int64_t base) const override {
    const int64_t cap = st.capacity;
    ex_.for_each_wide(in.count - skip, static_cast<int>(append_width(st.shape)), MYRIAD_LAMBDA(int64_t j, int e) {
      const int64_t t = skip + j;
      append_element(st, in, t, (base + t) % cap, e);
    });
  }
  void replay_gather(const ReplayStorage& st, const int64_t* slots, int64_t batch,
                     const ReplayBatch& out) const override {
    ex_.for_each_wide(batch, static_cast<int>(append_width(st.shape)),
                      MYRIAD_LAMBDA(int64_t b, int e) { gather_element(st, slots[b], b, e, out); });
  }
  void replay_sample_slots(uint64_t seed, uint32_t draw, int64_t size, int64_t batch,
                           int64_t* slots) const override {
    ex_.for_each(batch,
                 MYRIAD_LAMBDA(int64_t b) { slots[b] = sample_slot(seed, draw, static_cast<uint32_t>(b), size); });
  }
  void replay_window_slots(uint64_t seed, uint32_t draw, int64_t size, int64_t windows, int64_t window, bool aligned,
                           int64_t* slots) const override {
    ex_.for_each(windows * window, MYRIAD_LAMBDA(int64_t b) {
      slots[b] = window_slot(seed, draw, b / window, b % window, size, window, aligned);
    });
  }
  void random_actions(const LearningSet& set, uint64_t seed, uint32_t step, int64_t count, int64_t first_id, int k,
                      uint8_t* actions) const override {
    ex_.for_each(count, MYRIAD_LAMBDA(int64_t r) {
      if (!set.learns(r)) actions[r] = curriculum_random_action(seed, static_cast<uint32_t>(first_id + r), step, k);
    });
  }
  void select_actions(const SelectParams& p, const float* q, int64_t n, const uint32_t* ids,
                      uint8_t* actions) const override {
    ex_.for_each(n, MYRIAD_LAMBDA(int64_t i) { select_action(i, ids, q, p, actions); });
  }

 private:
  Ex ex_;
};

}  // namespace myriad
