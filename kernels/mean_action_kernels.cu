// mean_action_kernels.cu: the mean action of each agent's same-group neighbours as thin kernels:
// Chebyshev by the row then column sliding passes, Euclidean by direct gather, team-wide by counts.
#include "cuda_world.cuh"
#include "launch.cuh"
#include "myriad/rules/mean_action.hpp"

namespace myriad::gpu {
namespace {

constexpr int kSegment = 64;  // cells per sliding-window segment (as CpuWorld's)

// One thread per (group, row, 64-column segment).
__global__ void mean_row_pass_kernel(int64_t n_jobs,
                                     AgentView a,         // in: group, alive, action
                                     GridView g,          // in: occ
                                     GroupTable gt,       // in
                                     MeanActionParams p,  // in
                                     int segs_x,
                                     uint8_t* hc)         // out: per-cell row-window counts
{
  const int W = g.dims.width, H = g.dims.height;
  for (int64_t j = thread_index(); j < n_jobs; j += thread_stride()) {
    const int gg = static_cast<int>(j / (static_cast<int64_t>(H) * segs_x));
    const int y = static_cast<int>(j / segs_x % H), s = static_cast<int>(j % segs_x);
    const int x1 = (s + 1) * kSegment < W ? (s + 1) * kSegment : W;
    mean_row_pass(gg, y, s * kSegment, x1, a, g, gt, p, hc);
  }
}

// One thread per (group, column, 64-row segment).
__global__ void mean_column_pass_kernel(int64_t n_jobs,
                                        AgentView a,         // in: group, alive, action
                                        GridView g,          // in: occ
                                        GroupTable gt,       // in
                                        MeanActionParams p,  // in
                                        int segs_y,
                                        const uint8_t* hc,   // in: row-window counts
                                        float* mean)         // out: mean of the agents in the segment
{
  const int W = g.dims.width, H = g.dims.height;
  for (int64_t j = thread_index(); j < n_jobs; j += thread_stride()) {
    // Neighbouring threads take neighbouring columns, so their row-count reads coalesce.
    const int gg = static_cast<int>(j / (static_cast<int64_t>(W) * segs_y));
    const int s = static_cast<int>(j / W % segs_y), x = static_cast<int>(j % W);
    const int y1 = (s + 1) * kSegment < H ? (s + 1) * kSegment : H;
    mean_column_pass(gg, x, s * kSegment, y1, a, g, gt, p, hc, mean);
  }
}

__global__ void mean_direct_kernel(int64_t n,
                                   AgentView a,         // in: x, y, group, alive, action
                                   GridView g,          // in: occ
                                   GroupTable gt,       // in
                                   MeanActionParams p,  // in
                                   float* mean)         // out
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) mean_direct(i, a, g, gt, p, mean);
}

__global__ void team_count_kernel(int64_t n,
                                  AgentView a,       // in: alive, group, action
                                  uint32_t* counts)  // out: atomicAdd per (group, action), zeroed before
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) team_count(i, a, counts, AtomicAdd{});
}

__global__ void team_mean_kernel(int64_t n,
                                 AgentView a,             // in: alive, group, action
                                 GroupTable gt,           // in
                                 const uint32_t* counts,  // in
                                 int k_stride,
                                 float* mean)             // out
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) mean_team_wide(i, a, gt, counts, k_stride, mean);
}

}  // namespace

void launch_mean_action(MeanActionMode mode, const AgentView& a, const GridView& g,
                        const GroupTable& gt, const MeanActionParams& p, uint8_t* d_hc,
                        uint32_t* d_team_counts, float* d_mean, cudaStream_t stream) {
  const size_t mean_bytes = static_cast<size_t>(a.n) * p.k_stride * sizeof(float);
  MYRIAD_CUDA_CHECK(cudaMemsetAsync(d_mean, 0, mean_bytes, stream));
  if (mode == MeanActionMode::kOff) return;
  if (mode == MeanActionMode::kTeamWide) {
    const size_t count_bytes = static_cast<size_t>(kMaxGroups) * kMaxActions * sizeof(uint32_t);
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(d_team_counts, 0, count_bytes, stream));
    linear_kernel(team_count_kernel, 0, stream, a.n, a, d_team_counts);
    linear_kernel(team_mean_kernel, 0, stream, a.n, a, gt, static_cast<const uint32_t*>(d_team_counts),
                  p.k_stride, d_mean);
    return;
  }
  if (p.gather) {  // Euclidean, or Chebyshev where a gather is cheaper than the sliding passes
    linear_kernel(mean_direct_kernel, 0, stream, a.n, a, g, gt, p, d_mean);
    return;
  }
  const int W = g.dims.width, H = g.dims.height;
  const int segs_x = (W + kSegment - 1) / kSegment, segs_y = (H + kSegment - 1) / kSegment;
  const int64_t G = gt.n_groups;
  linear_kernel(mean_row_pass_kernel, 0, stream, G * H * segs_x, a, g, gt, p, segs_x, d_hc);
  linear_kernel(mean_column_pass_kernel, 0, stream, G * W * segs_y, a, g, gt, p, segs_y,
                static_cast<const uint8_t*>(d_hc), d_mean);
}

}  // namespace myriad::gpu
