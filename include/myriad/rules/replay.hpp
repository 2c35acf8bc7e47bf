// rules/replay.hpp: the replay buffer's layout (transitions (o, features, a, ā, r, d, o′, features′, ā′)
// in compact dtypes, one array per field) and its element rules: append, gather, the uniform sample slot.
// One source for the CPU loop and the kernel.
#pragma once
#include <cstddef>
#include <cstdint>

#include "myriad/bf16.hpp"
#include "myriad/hd.hpp"
#include "myriad/rules/keep.hpp"

namespace myriad {

// Sizes of one transition's fields; the network input is [view | features | mean] (input_width()).
// grouped: each transition also stores whether it starts a mixing group (rules/mixer.hpp).
struct ReplayShape {
  int view_size = 0, n_features = 0, n_actions = 0;
  int grouped = 0;
  MYRIAD_HD int input_width() const { return view_size + n_features + n_actions; }
};

// Stored dtypes: views and means bf16, features and reward float, action, terminal and the group start
// uint8, so 2·(2·view + 4·features + 2·K) + 1 + 4 + 1 (+ 1 grouped) bytes (battle shape 845/32/21: 3726).
inline size_t bytes_per_transition(const ReplayShape& s) {
  return 2 * (2 * static_cast<size_t>(s.view_size) + 4 * static_cast<size_t>(s.n_features) +
              2 * static_cast<size_t>(s.n_actions)) + 1 + 4 + 1 + (s.grouped != 0 ? 1 : 0);
}

// Slot of sample `slot` of draw `draw`: uniform in [0, size), counter = (slot, draw, kReplaySampleStream).
MYRIAD_HD int64_t sample_slot(uint64_t seed, uint32_t draw, uint32_t slot, int64_t size) {
  return static_cast<int64_t>(draw_below(seed, slot, draw, kReplaySampleStream, static_cast<uint32_t>(size)));
}

// Slot of row j of window w of draw `draw`: the window starts at a uniform slot of [0, size) or, aligned,
// at a uniform multiple of `window` (whole steps of a team of `window` rows); rows wrap at size.
MYRIAD_HD int64_t window_slot(uint64_t seed, uint32_t draw, int64_t w, int64_t j, int64_t size, int64_t window,
                              bool aligned) {
  const uint32_t starts = static_cast<uint32_t>(aligned ? size / window : size);
  const int64_t s = static_cast<int64_t>(draw_below(seed, static_cast<uint32_t>(w), draw, kReplaySampleStream, starts));
  return ((aligned ? s * window : s) + j) % size;
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
  const uint8_t* group_start = nullptr;  // [count] grouped: 1 where a mixing group starts
};

// A gathered batch in float, ready for the network: x = [o | features | ā] rows of input_width(),
// x_next likewise for (o′, features′, ā′); action int (Network::backward_td), done 0/1 as float.
struct ReplayBatch {
  float* x = nullptr;       // [batch][input_width]
  float* x_next = nullptr;  // [batch][input_width]
  int* action = nullptr;    // [batch]
  float* reward = nullptr;  // [batch]
  float* done = nullptr;    // [batch] 0, 1, or 2 for a row absent from its group (rules/mixer.hpp)
  uint8_t* start = nullptr; // [batch] grouped: 1 where a group starts (or at the ring's seam)
};

// The storage of either backend, as plain pointers [capacity][width] per field.
struct ReplayStorage {
  ReplayShape shape;
  int64_t capacity = 0;
  Bf16 *obs = nullptr, *next_obs = nullptr, *mean = nullptr, *next_mean = nullptr;
  float *features = nullptr, *next_features = nullptr, *reward = nullptr;
  uint8_t *action = nullptr, *done = nullptr;
  uint8_t* group_start = nullptr;  // grouped only
  int64_t seam = -1;               // the oldest slot of a full ring: a group never runs across it
};

// Elements of one appended transition: 2·input_width() + 3 (action, reward, done), + 1 grouped (start).
MYRIAD_HD int64_t append_width(const ReplayShape& s) {
  return 2 * static_cast<int64_t>(s.input_width()) + 3 + (s.grouped != 0 ? 1 : 0);
}

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
  else if (e == 2 * X + 2) st.done[slot] = in.done[t];
  else st.group_start[slot] = in.group_start[t];
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
  else if (e == 2 * X + 2) out.done[b] = static_cast<float>(st.done[slot]);
  else if (out.start != nullptr) out.start[b] = st.group_start[slot] != 0 || slot == st.seam ? 1 : 0;
}

}  // namespace myriad
