// policy_kernels.cu: the scripted policies (random, noop, scripted) as one thin kernel per act()
// call; draws come from the counter-based RNG, so the actions equal the CPU backend's.
#include "cuda_world.cuh"
#include "launch.cuh"
#include "myriad/rules/policy.hpp"

namespace myriad::gpu {
namespace {

__global__ void policy_kernel(int64_t n,
                              PolicyTable pt,  // in: one spec per group
                              AgentView a,     // in: alive, group, x, y; out: action
                              GridView g,      // in: occ
                              GroupTable gt,   // in
                              TileView tv,     // in: agents sorted by tile
                              uint64_t seed, int64_t step) {
  for (int64_t i = thread_index(); i < n; i += thread_stride())
    policy_action(i, pt.spec[a.group[i]], a, g, gt, tv, seed, step);
}

}  // namespace

void launch_policy(const PolicyTable& pt, const AgentView& a, const GridView& g, const GroupTable& gt,
                   const TileView& tv, uint64_t seed, int64_t step, cudaStream_t stream) {
  linear_kernel(policy_kernel, 0, stream, a.n, pt, a, g, gt, tv, seed, step);
}

}  // namespace myriad::gpu
