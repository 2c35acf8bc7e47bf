// observe_kernels.cu: the observation phase as thin kernels: minimap counts by atomicAdd, one thread
// per (agent, window row) calling observe_row in the config's dtype, then the feature vectors.
#include "cuda_world.cuh"
#include "launch.cuh"
#include "myriad/rules/observe.hpp"

namespace myriad::gpu {
namespace {

__global__ void minimap_count_kernel(int64_t n,
                                     AgentView a,       // in: alive, died, group, x, y
                                     ObsLayout L,       // in
                                     int32_t* counts,   // out: atomicAdd per (group, bin), zeroed before
                                     int32_t* divisor)  // out: atomicAdd per group, zeroed before
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) minimap_count(i, a, L, counts, divisor, AtomicAdd{});
}

// j = i·V + r over every (agent i, window row r), 64-bit.
template <typename T>
__global__ void observe_row_kernel(int64_t n_pairs,
                                    AgentView a,     // in: alive, group, x, y, hp
                                    GridView g,      // in: occ, wall
                                    GroupTable gt,   // in
                                    ObsLayout L,     // in
                                    MinimapView mm,  // in
                                    T* obs)          // out: n·obs_stride values
{
  const int64_t V = L.view_side;
  for (int64_t j = thread_index(); j < n_pairs; j += thread_stride())
    observe_row(j / V, static_cast<int>(j % V), a, g, gt, L, mm, obs);
}

__global__ void observe_features_kernel(int64_t n,
                                        AgentView a,    // in: alive, group, action, prev_reward, x, y
                                        GridView g,     // in: dims
                                        GroupTable gt,  // in
                                        ObsLayout L,    // in
                                        int acted,
                                        float* feat)    // out: n·n_features
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) observe_features(i, a, g, gt, L, acted != 0, feat);
}

}  // namespace

void launch_observe(const AgentView& a, const GridView& g, const GroupTable& gt, const ObsLayout& L,
                    const ObsBuffers& b, bool acted, cudaStream_t stream) {
  if (L.minimap) {
    const size_t bins = static_cast<size_t>(gt.n_groups) * L.view_side * L.view_side;
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(b.minimap_counts, 0, bins * sizeof(int32_t), stream));
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(b.minimap_div, 0, static_cast<size_t>(gt.n_groups) * sizeof(int32_t), stream));
    linear_kernel(minimap_count_kernel, 0, stream, a.n, a, L, b.minimap_counts, b.minimap_div);
  }
  const MinimapView mm{b.minimap_counts, b.minimap_div};
  const int64_t n_pairs = a.n * L.view_side;
  if (b.obs_f32 != nullptr) linear_kernel(observe_row_kernel<float>, 0, stream, n_pairs, a, g, gt, L, mm, b.obs_f32);
  else linear_kernel(observe_row_kernel<Bf16>, 0, stream, n_pairs, a, g, gt, L, mm, b.obs_bf16);
  linear_kernel(observe_features_kernel, 0, stream, a.n, a, g, gt, L, acted ? 1 : 0, b.feat);
}

}  // namespace myriad::gpu
