// trainer_ops.hpp: the array operations a trainer runs where the world lives (network-input gathers, TD
// targets, the choice of transitions to keep, a metric), owned memory for its buffers, and copies: one
// implementation over the backend it is given (its learn program and primitives).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/engine/learn_program.hpp"
#include "myriad/rules/keep.hpp"
#include "myriad/rules/net_input.hpp"
#include "myriad/rules/td.hpp"

namespace myriad {

// All pointers are the backend's memory (host for the CPU, device for CUDA) unless named host_*.
// Calls are ordered on the backend's stream; only those that return a value wait.
class TrainerOps {
 public:
  explicit TrainerOps(Backend& backend) : be_(backend) {}
  TrainerOps(const TrainerOps&) = delete;
  TrainerOps& operator=(const TrainerOps&) = delete;

  Backend& backend() { return be_; }
  bool on_device() const { return be_.on_device(); }
  // Zeroed memory owned by the ops object, freed with it.
  void* alloc_bytes(size_t bytes);
  template <typename T>
  T* alloc(size_t count) {
    return static_cast<T*>(alloc_bytes(count * sizeof(T)));
  }
  // Bytes handed out by alloc_bytes so far, and the compaction's scratch (the trainer's memory plan is
  // checked against it).
  size_t allocated_bytes() const { return allocated_ + scratch_bytes(); }
  void to_host(void* host_dst, const void* src, size_t bytes) { be_.to_host(host_dst, src, bytes); }
  void from_host(void* dst, const void* host_src, size_t bytes) { be_.from_host(dst, host_src, bytes); }
  void copy(void* dst, const void* src, size_t bytes) { be_.copy(dst, src, bytes); }
  void synchronize() { be_.synchronize(); }
  size_t available_bytes() const { return be_.available_bytes(); }
  // Allocates now the scratch that compact_transitions (up to count rows: a flag and a position each) and
  // mean_max_q (two doubles) need, so that no allocation happens mid-step.
  void reserve_compaction(int64_t count);
  size_t scratch_bytes() const { return flags_.bytes() + pos_.bytes() + sums_.bytes(); }

  // rows × s.width() elements: row r is agent first_id + r (or first_id + ids[r]), written to d.
  void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows, const NetInputDest& d) {
    be_.learn().net_input(s, first_id, ids, rows, d);
  }
  // y[b] = td_target(...) for b < batch (q_on may be null unless p.kind is kGreedyDouble).
  void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done, const float* q_tgt,
                  const float* q_on, float* y) {
    be_.learn().td_targets(p, batch, reward, done, q_tgt, q_on, y);
  }
  // The kept transitions of rows r < count (agent first_id + r; alive, died, reward, action are the
  // group's slices), in row order: idx[j] = r, out_reward, out_action, out_done. Returns how many
  // (the one value that comes back to the host).
  int64_t compact_transitions(const KeepParams& p, const uint8_t* alive, const uint8_t* died, const float* reward,
                              const uint8_t* action, int64_t count, int64_t first_id, int64_t* idx, float* out_reward,
                              uint8_t* out_action, uint8_t* out_done);
  // transition_fields of the m transitions already compacted into idx (rows of the group's slices):
  // the fields after the step of a set chosen before it, without compacting again.
  void gather_transition_fields(const KeepParams& p, const uint8_t* alive, const uint8_t* died, const float* reward,
                                const uint8_t* action, const int64_t* idx, int64_t m, float* out_reward,
                                uint8_t* out_action, uint8_t* out_done) {
    be_.learn().transition_fields(p, alive, died, reward, action, idx, m, out_reward, out_action, out_done);
  }
  // Mean over rows with alive[r] of max_a q[r][a] (q [count][k]); 0 when none is alive. A metric:
  // the device sums in an unspecified order.
  double mean_max_q(const float* q, int k, const uint8_t* alive, int64_t count);

 private:
  Backend& be_;
  std::vector<Buffer<unsigned char>> blocks_;
  size_t allocated_ = 0;
  Buffer<int32_t> flags_, pos_;
  Buffer<double> sums_;
};

}  // namespace myriad
