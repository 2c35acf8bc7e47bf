// replay.hpp: the MF-Q replay buffer: a ring of transitions stored explicitly in compact dtypes
// (rules/replay.hpp), sampled uniformly by Philox, on the backend it is given (one implementation: the
// element rules run through the backend's learn program).
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/rules/replay.hpp"

namespace myriad {

// Host copies of a transition batch / gathered batch (tests, tools).
struct HostTransitions {
  std::vector<float> obs, features, mean, reward, next_obs, next_features, next_mean;
  std::vector<uint8_t> action, done;
  std::vector<uint8_t> group_start;  // grouped buffers only
  int64_t count() const { return static_cast<int64_t>(reward.size()); }
};
struct HostReplayBatch {
  std::vector<float> x, x_next, reward, done;
  std::vector<int> action;
  std::vector<uint8_t> start;  // grouped buffers only
};

// A ring of `capacity` transitions. append writes at the head with wrap-around (the oldest are
// overwritten; of a batch longer than the capacity only its last `capacity` are kept). Pointers live on
// the backend (host memory for the CPU one, device memory for CUDA), and calls are ordered on its stream.
class ReplayBuffer {
 public:
  // Throws std::invalid_argument on a non-positive capacity or bad field sizes.
  ReplayBuffer(Backend& backend, const ReplayShape& shape, int64_t capacity);
  ReplayBuffer(const ReplayBuffer&) = delete;
  ReplayBuffer& operator=(const ReplayBuffer&) = delete;

  const ReplayShape& shape() const { return shape_; }
  int64_t capacity() const { return capacity_; }
  int64_t size() const { return size_; }
  int64_t head() const { return head_; }  // the slot the next transition goes to
  size_t capacity_bytes() const { return bytes_per_transition(shape_) * static_cast<size_t>(capacity_); }
  bool on_device() const { return be_.on_device(); }

  void append(const TransitionBatch& batch);
  // Gathers the transitions of ring slots slots[0..batch) (each in [0, size); checked on the CPU) into `out`.
  void gather(const int64_t* slots, int batch, const ReplayBatch& out);
  // `batch` uniform slots of [0, size) (sample_slot of (seed, draw)), gathered; throws when empty.
  void sample(int batch, uint64_t seed, uint32_t draw, const ReplayBatch& out);
  // A grouped buffer's `windows` windows of `window` consecutive slots (window_slot: uniform starts, or
  // aligned to whole team steps), gathered with their group starts; throws when empty, and for aligned
  // windows unless the capacity is a multiple of `window` and one step is stored.
  void sample_windows(int windows, int window, bool aligned, uint64_t seed, uint32_t draw, const ReplayBatch& out);
  void clear() { head_ = size_ = 0; }
  // Allocates now sample's slot list for batches up to `batch` (no allocation mid-step).
  void reserve_sample(int batch);

  // Host-vector conveniences: the same on host copies (waits).
  void append_host(const HostTransitions& t);
  HostReplayBatch gather_host(const std::vector<int64_t>& slots);
  HostReplayBatch sample_host(int batch, uint64_t seed, uint32_t draw);
  HostReplayBatch sample_windows_host(int windows, int window, bool aligned, uint64_t seed, uint32_t draw);

 private:
  // Advances head and size by a batch of `count`; returns its first kept transition (count − capacity
  // when it overflows the ring, else 0) and sets `base` to the old head: transition t goes to slot
  // (base + t) % capacity.
  int64_t advance(int64_t count, int64_t& base);
  void check_sample(int batch) const;  // throws std::runtime_error when empty, invalid_argument on batch < 0

  Backend& be_;
  ReplayShape shape_;
  int64_t capacity_ = 0, size_ = 0, head_ = 0;
  Buffer<Bf16> obs_, next_obs_, mean_, next_mean_;
  Buffer<float> features_, next_features_, reward_;
  Buffer<uint8_t> action_, done_, group_start_;
  Buffer<int64_t> slots_;  // sample's slots, grown to the largest batch
  ReplayStorage st_{};
};

}  // namespace myriad
