// rules/net_input.hpp: one element of a team's network input [view | features | ā] read from the
// world's buffers, one __host__ __device__ source for the CPU loop and the CUDA kernel.
#pragma once
#include <cstdint>

#include "myriad/bf16.hpp"
#include "myriad/hd.hpp"

namespace myriad {

// Where the inputs come from: the world's buffers (host or device pointers) and their strides.
// Exactly one of obs_f32 / obs_bf16 is set. mean_action null writes zeros in the ā columns (IQL:
// the network keeps its width, the columns carry nothing); n_mean = 0 leaves them out.
struct NetInputSource {
  const float* obs_f32 = nullptr;
  const Bf16* obs_bf16 = nullptr;
  const float* features = nullptr;
  const float* mean_action = nullptr;
  int64_t view_size = 0;    // view values per agent (ObsLayout::obs_stride)
  int64_t view_stride = 0;  // pitch of an agent's view in the buffer (ObsLayout::row_stride, >= view_size)
  int n_features = 0;
  int k_stride = 0;         // floats per agent in mean_action
  int n_mean = 0;           // K of the team, or 0 (no ā)
  MYRIAD_HD int64_t width() const { return view_size + n_features + n_mean; }
};

// Where the row goes: three segments with their own strides, so the same rule writes network rows
// (all three inside one row of width()) or separate field arrays (replay staging).
struct NetInputDest {
  float* view = nullptr;
  int64_t view_stride = 0;
  float* features = nullptr;
  int64_t features_stride = 0;
  float* mean = nullptr;
  int64_t mean_stride = 0;
};

// Network rows: x [rows][width()].
inline NetInputDest row_dest(float* x, const NetInputSource& s) {
  const int64_t w = s.width();
  return NetInputDest{x, w, x + s.view_size, w, x + s.view_size + s.n_features, w};
}

// Element c of row r: agent first_id + r, or first_id + ids[r] when ids is set (ids are offsets
// into the group, as compact_transitions writes them).
MYRIAD_HD void net_input_element(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t r, int64_t c,
                                 const NetInputDest& d) {
  const int64_t id = first_id + (ids != nullptr ? ids[r] : r);
  if (c < s.view_size) {
    const int64_t k = id * s.view_stride + c;
    d.view[r * d.view_stride + c] = s.obs_f32 != nullptr ? s.obs_f32[k] : from_bf16(s.obs_bf16[k]);
  } else if (c < s.view_size + s.n_features) {
    const int64_t f = c - s.view_size;
    d.features[r * d.features_stride + f] = s.features[id * s.n_features + f];
  } else {
    const int64_t m = c - s.view_size - s.n_features;
    d.mean[r * d.mean_stride + m] = s.mean_action != nullptr ? s.mean_action[id * s.k_stride + m] : 0.0f;
  }
}

}  // namespace myriad
