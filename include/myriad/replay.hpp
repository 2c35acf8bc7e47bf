// replay.hpp: the MF-Q replay buffer: transitions (o, features, a, ā, r, d, o′, features′, ā′) stored
// explicitly in compact dtypes in a ring, sampled uniformly by Philox; CPU reference and CUDA backend.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/bf16.hpp"
#include "myriad/hd.hpp"
#include "myriad/rng.hpp"
#include "myriad/rules/select.hpp"

namespace myriad {

constexpr Stream kReplaySampleStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 5);
constexpr Stream kReplayKeepStream = static_cast<Stream>(static_cast<uint32_t>(Stream::kUser) + 6);

// Sizes of one transition's fields; the network input is [view | features | mean] (input_width()).
struct ReplayShape {
  int view_size = 0, n_features = 0, n_actions = 0;
  MYRIAD_HD int input_width() const { return view_size + n_features + n_actions; }
};

// Stored dtypes: views and means bf16, features and reward float, action and terminal uint8, so
// 2·(2·view + 4·features + 2·K) + 1 + 4 + 1 bytes (battle shape 845/32/21: 3726 bytes).
inline size_t bytes_per_transition(const ReplayShape& s) {
  return 2 * (2 * static_cast<size_t>(s.view_size) + 4 * static_cast<size_t>(s.n_features) +
              2 * static_cast<size_t>(s.n_actions)) + 1 + 4 + 1;
}

// Whether agent `id`'s transition of step `step` is stored: u < fraction, u from kReplayKeepStream
// (fraction 1 keeps all, 0 none).
MYRIAD_HD bool keep_transition(uint64_t seed, uint32_t step, uint32_t id, float fraction) {
  return unit_float(draw_u32(seed, id, step, kReplayKeepStream)) < fraction;
}

// Slot of sample `slot` of draw `draw`: uniform in [0, size), counter = (slot, draw, kReplaySampleStream).
MYRIAD_HD int64_t sample_slot(uint64_t seed, uint32_t draw, uint32_t slot, int64_t size) {
  return static_cast<int64_t>(draw_below(seed, slot, draw, kReplaySampleStream, static_cast<uint32_t>(size)));
}

// B transitions laid out field by field (all float but action, done); host or device pointers.
struct TransitionBatch {
  int64_t count = 0;
  const float* obs = nullptr;            // [count][view_size]
  const float* features = nullptr;       // [count][n_features]
  const uint8_t* action = nullptr;       // [count]
  const float* mean = nullptr;           // [count][n_actions]
  const float* reward = nullptr;         // [count]
  const uint8_t* done = nullptr;         // [count] 1: terminal (no bootstrap)
  const float* next_obs = nullptr;       // [count][view_size]
  const float* next_features = nullptr;  // [count][n_features]
  const float* next_mean = nullptr;      // [count][n_actions]
};

// A gathered batch in float, ready for the network: x = [o | features | ā] rows of input_width(),
// x_next likewise for (o′, features′, ā′); action int (QNetwork::backward_td), done 0/1 as float.
struct ReplayBatch {
  float* x = nullptr;       // [batch][input_width]
  float* x_next = nullptr;  // [batch][input_width]
  int* action = nullptr;    // [batch]
  float* reward = nullptr;  // [batch]
  float* done = nullptr;    // [batch]
};

// The storage of either backend, as plain pointers [capacity][width] per field.
struct ReplayStorage {
  ReplayShape shape;
  int64_t capacity = 0;
  Bf16 *obs = nullptr, *next_obs = nullptr, *mean = nullptr, *next_mean = nullptr;
  float *features = nullptr, *next_features = nullptr, *reward = nullptr;
  uint8_t *action = nullptr, *done = nullptr;
};

// Elements of one appended transition: 2·input_width() + 3 (action, reward, done last).
MYRIAD_HD int64_t append_width(const ReplayShape& s) { return 2 * static_cast<int64_t>(s.input_width()) + 3; }

// Copies element e of transition t of `in` into ring slot `slot` (bf16 rounding of views and means).
MYRIAD_HD void append_element(const ReplayStorage& st, const TransitionBatch& in, int64_t t, int64_t slot, int64_t e) {
  const int64_t V = st.shape.view_size, F = st.shape.n_features, K = st.shape.n_actions, X = V + F + K;
  const bool next = e >= X && e < 2 * X;
  if (e < 2 * X) {
    const int64_t c = next ? e - X : e;
    if (c < V) {
      (next ? st.next_obs : st.obs)[slot * V + c] = to_bf16((next ? in.next_obs : in.obs)[t * V + c]);
    } else if (c < V + F) {
      (next ? st.next_features : st.features)[slot * F + c - V] = (next ? in.next_features : in.features)[t * F + c - V];
    } else {
      (next ? st.next_mean : st.mean)[slot * K + c - V - F] = to_bf16((next ? in.next_mean : in.mean)[t * K + c - V - F]);
    }
    return;
  }
  if (e == 2 * X) st.action[slot] = in.action[t];
  else if (e == 2 * X + 1) st.reward[slot] = in.reward[t];
  else st.done[slot] = in.done[t];
}

// Writes element e of sample b (same layout as append_element) from ring slot `slot` into `out`.
MYRIAD_HD void gather_element(const ReplayStorage& st, int64_t slot, int64_t b, int64_t e, const ReplayBatch& out) {
  const int64_t V = st.shape.view_size, F = st.shape.n_features, K = st.shape.n_actions, X = V + F + K;
  if (e < 2 * X) {
    const bool next = e >= X;
    const int64_t c = next ? e - X : e;
    float v;
    if (c < V) v = from_bf16((next ? st.next_obs : st.obs)[slot * V + c]);
    else if (c < V + F) v = (next ? st.next_features : st.features)[slot * F + c - V];
    else v = from_bf16((next ? st.next_mean : st.mean)[slot * K + c - V - F]);
    (next ? out.x_next : out.x)[b * X + c] = v;
    return;
  }
  if (e == 2 * X) out.action[b] = static_cast<int>(st.action[slot]);
  else if (e == 2 * X + 1) out.reward[b] = st.reward[slot];
  else out.done[b] = st.done[slot] != 0 ? 1.0f : 0.0f;
}

// Host copies of a transition batch / gathered batch (tests, tools).
struct HostTransitions {
  std::vector<float> obs, features, mean, reward, next_obs, next_features, next_mean;
  std::vector<uint8_t> action, done;
  int64_t count() const { return static_cast<int64_t>(reward.size()); }
};
struct HostReplayBatch {
  std::vector<float> x, x_next, reward, done;
  std::vector<int> action;
};

// A ring of `capacity` transitions. append writes at the head with wrap-around (the oldest are
// overwritten; of a batch longer than the capacity only its last `capacity` are kept). Pointers live
// where the backend computes: host memory for the CPU one, device memory for the CUDA one (which runs
// on the stream given at construction, asynchronously).
class ReplayBuffer {
 public:
  virtual ~ReplayBuffer() = default;
  ReplayBuffer(const ReplayBuffer&) = delete;
  ReplayBuffer& operator=(const ReplayBuffer&) = delete;

  const ReplayShape& shape() const { return shape_; }
  int64_t capacity() const { return capacity_; }
  int64_t size() const { return size_; }  // stored transitions, <= capacity
  int64_t head() const { return head_; }  // the slot the next transition goes to
  size_t capacity_bytes() const { return bytes_per_transition(shape_) * static_cast<size_t>(capacity_); }
  virtual bool on_device() const = 0;

  virtual void append(const TransitionBatch& batch) = 0;
  // Gathers the transitions of ring slots slots[0..batch) (each in [0, size)) into `out`.
  virtual void gather(const int64_t* slots, int batch, const ReplayBatch& out) = 0;
  // `batch` uniform slots of [0, size) (sample_slot of (seed, draw)), gathered; throws when empty.
  virtual void sample(int batch, uint64_t seed, uint32_t draw, const ReplayBatch& out) = 0;
  void clear() { head_ = size_ = 0; }

  // Host-vector conveniences: the same on host copies (the CUDA backend copies and waits).
  virtual void append_host(const HostTransitions& t) = 0;
  virtual HostReplayBatch gather_host(const std::vector<int64_t>& slots) = 0;
  virtual HostReplayBatch sample_host(int batch, uint64_t seed, uint32_t draw) = 0;

 protected:
  // Throws std::invalid_argument on a non-positive capacity or negative field size.
  ReplayBuffer(const ReplayShape& shape, int64_t capacity);
  // Advances head and size by a batch of `count`; returns its first kept transition (count − capacity
  // when it overflows the ring, else 0) and sets `base` to the old head: transition t goes to slot
  // (base + t) % capacity.
  int64_t advance(int64_t count, int64_t& base);
  void check_sample(int batch) const;  // throws std::runtime_error when empty, invalid_argument on batch < 0
  static TransitionBatch view_of(const HostTransitions& t, const ReplayShape& s);  // checks sizes
  static HostReplayBatch host_batch(const ReplayShape& s, int batch);

  ReplayShape shape_;
  int64_t capacity_ = 0, size_ = 0, head_ = 0;
};

// Shared bookkeeping, inline: both backends' libraries use it.
inline ReplayBuffer::ReplayBuffer(const ReplayShape& shape, int64_t capacity) : shape_(shape), capacity_(capacity) {
  if (capacity <= 0) throw std::invalid_argument("ReplayBuffer: capacity must be positive");
  if (shape.view_size < 0 || shape.n_features < 0 || shape.n_actions < 1 || shape.n_actions > 256)
    throw std::invalid_argument("ReplayBuffer: view_size, n_features >= 0 and n_actions in [1, 256] required");
  if (capacity > int64_t{0xFFFFFFFF}) throw std::invalid_argument("ReplayBuffer: capacity must be below 2^32");
}

inline int64_t ReplayBuffer::advance(int64_t count, int64_t& base) {
  if (count < 0) throw std::invalid_argument("ReplayBuffer::append: negative count");
  base = head_;
  const int64_t skip = count > capacity_ ? count - capacity_ : 0;
  head_ = (head_ + count) % capacity_;
  size_ = size_ + count < capacity_ ? size_ + count : capacity_;
  return skip;
}

inline void ReplayBuffer::check_sample(int batch) const {
  if (batch < 0) throw std::invalid_argument("ReplayBuffer::sample: negative batch");
  if (size_ == 0 && batch > 0) throw std::runtime_error("ReplayBuffer::sample: the buffer is empty");
}

inline TransitionBatch ReplayBuffer::view_of(const HostTransitions& t, const ReplayShape& s) {
  const size_t n = static_cast<size_t>(t.count());
  auto check = [n](const char* what, size_t got, size_t width) {
    if (got != n * width)
      throw std::invalid_argument(std::string("ReplayBuffer::append_host: ") + what + " holds " +
                                  std::to_string(got) + " values, expected " + std::to_string(n * width));
  };
  const size_t V = static_cast<size_t>(s.view_size), F = static_cast<size_t>(s.n_features),
               K = static_cast<size_t>(s.n_actions);
  check("obs", t.obs.size(), V);
  check("features", t.features.size(), F);
  check("action", t.action.size(), 1);
  check("mean", t.mean.size(), K);
  check("done", t.done.size(), 1);
  check("next_obs", t.next_obs.size(), V);
  check("next_features", t.next_features.size(), F);
  check("next_mean", t.next_mean.size(), K);
  return TransitionBatch{t.count(),       t.obs.data(),      t.features.data(),      t.action.data(),
                         t.mean.data(),   t.reward.data(),   t.done.data(),          t.next_obs.data(),
                         t.next_features.data(), t.next_mean.data()};
}

inline HostReplayBatch ReplayBuffer::host_batch(const ReplayShape& s, int batch) {
  const size_t b = static_cast<size_t>(batch), X = static_cast<size_t>(s.input_width());
  HostReplayBatch h;
  h.x.resize(b * X);
  h.x_next.resize(b * X);
  h.action.resize(b);
  h.reward.resize(b);
  h.done.resize(b);
  return h;
}

std::unique_ptr<ReplayBuffer> make_cpu_replay(const ReplayShape& shape, int64_t capacity);
// `stream` is a cudaStream_t (nullptr: the legacy default stream). Throws std::runtime_error in a
// build without CUDA.
std::unique_ptr<ReplayBuffer> make_cuda_replay(const ReplayShape& shape, int64_t capacity, void* stream = nullptr);

}  // namespace myriad
