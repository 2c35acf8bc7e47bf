// trainer_ops.hpp: the few array operations the trainer runs where the world lives (network-input
// assembly, row gathers, TD targets, memory and copies): a CPU loop backend and a CUDA kernel backend.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "myriad/replay.hpp"
#include "myriad/rules/net_input.hpp"
#include "myriad/rules/td.hpp"

namespace myriad {

// Which transitions of the step just played go to the replay: those of agents alive at its start
// (alive now or died in it) that keep_transition draws for (seed, step, id), done = died || terminal.
struct KeepParams {
  uint64_t seed = 0;
  uint32_t step = 0;
  float fraction = 1.0f;
  bool terminal = false;  // the step ended the episode by elimination (not by the time limit)
};

MYRIAD_HD bool transition_kept(const KeepParams& p, uint8_t alive, uint8_t died, int64_t id) {
  return (alive != 0 || died != 0) && keep_transition(p.seed, p.step, static_cast<uint32_t>(id), p.fraction);
}

// The stored fields of kept transition j, row r of the group's slices (after the step): reward,
// action, done = died || terminal.
MYRIAD_HD void transition_fields(const KeepParams& p, int64_t j, int64_t r, const uint8_t* died, const float* reward,
                                 const uint8_t* action, float* out_reward, uint8_t* out_action, uint8_t* out_done) {
  out_reward[j] = reward[r];
  out_action[j] = action[r];
  out_done[j] = died[r] != 0 || p.terminal ? 1 : 0;
}

// All pointers are of the backend's side (host for the CPU, device for CUDA) unless named host_*.
// Calls are ordered; synchronize() waits for them (the CUDA backend uses the legacy default stream).
class TrainerOps {
 public:
  virtual ~TrainerOps() = default;
  virtual bool on_device() const = 0;
  // Zeroed memory owned by the ops object, freed with it.
  virtual void* alloc_bytes(size_t bytes) = 0;
  // Bytes handed out by alloc_bytes so far (the trainer's memory plan is checked against it).
  size_t allocated_bytes() const { return allocated_; }
  template <typename T>
  T* alloc(size_t count) {
    return static_cast<T*>(alloc_bytes(count * sizeof(T)));
  }
  virtual void to_host(void* host_dst, const void* src, size_t bytes) = 0;  // waits
  virtual void from_host(void* dst, const void* host_src, size_t bytes) = 0;
  virtual void copy(void* dst, const void* src, size_t bytes) = 0;
  virtual void synchronize() {}
  // Allocates now the scratch that compact_transitions (up to count rows) and mean_max_q need, so
  // that no allocation (a cudaMalloc: a device-wide sync) happens mid-step. The CPU needs none.
  virtual void reserve_compaction(int64_t count) { (void)count; }
  // Bytes free for new allocations: the device's free memory, or the host's available memory
  // (MemAvailable); 0 when unknown.
  virtual size_t available_bytes() const = 0;

  // rows × s.width() elements: row r is agent first_id + r (or first_id + ids[r]), written to d.
  virtual void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows,
                         const NetInputDest& d) = 0;
  // y[b] = td_target(...) for b < batch (q_on may be null unless p.kind is kGreedyDouble).
  virtual void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done, const float* q_tgt,
                          const float* q_on, float* y) = 0;
  // The kept transitions of rows r < count (agent first_id + r; alive, died, reward, action are the
  // group's slices), in row order: idx[j] = r, out_reward, out_action, out_done. Returns how many
  // (the one value that comes back to the host).
  virtual int64_t compact_transitions(const KeepParams& p, const uint8_t* alive, const uint8_t* died,
                                      const float* reward, const uint8_t* action, int64_t count, int64_t first_id,
                                      int64_t* idx, float* out_reward, uint8_t* out_action, uint8_t* out_done) = 0;
  // transition_fields of the m transitions already compacted into idx (rows of the group's slices):
  // the fields after the step of a set chosen before it, without compacting again.
  virtual void gather_transition_fields(const KeepParams& p, const uint8_t* died, const float* reward,
                                        const uint8_t* action, const int64_t* idx, int64_t m, float* out_reward,
                                        uint8_t* out_action, uint8_t* out_done) = 0;
  // Mean over rows with alive[r] of max_a q[r][a] (q [count][k]); 0 when none is alive. A metric:
  // the device sums in an unspecified order.
  virtual double mean_max_q(const float* q, int k, const uint8_t* alive, int64_t count) = 0;

 protected:
  size_t allocated_ = 0;
};

std::unique_ptr<TrainerOps> make_cpu_trainer_ops();
// Throws std::runtime_error in a build without CUDA.
std::unique_ptr<TrainerOps> make_cuda_trainer_ops();
// "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)" of the current device; "" without CUDA or a device.
std::string cuda_device_description();

}  // namespace myriad
