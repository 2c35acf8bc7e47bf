// env_kernels.cu: the rules of one battle step as thin kernels over the shared rules (reset,
// attacks, recovery, move rounds, rewards) and StepStats reduced on the device by integer atomics.
#include "cuda_world.cuh"
#include "launch.cuh"
#include "myriad/rules/attack.hpp"
#include "myriad/rules/move.hpp"
#include "myriad/rules/reward.hpp"

namespace myriad::gpu {

// One agent's contribution to StepStats: the terms CpuWorld::collect_stats adds.
struct StatsTerm {
  int group;
  unsigned long long alive, kill, hit;
  long long reward_fixed;
};

MYRIAD_HD StatsTerm stats_term(int64_t i, const AgentView& a) {
  return StatsTerm{a.group[i], a.alive[i], a.hit[i] == kKillingBlow ? 1ull : 0ull,
                   a.hit[i] == kNonLethalHit ? 1ull : 0ull, reward_fixed(a.reward[i])};
}

namespace {

__global__ void reset_agents_kernel(int64_t n,
                                    AgentView a,    // in: group; out: hp, action, alive, died, reward, prev_reward
                                    GroupTable gt)  // in
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) {
    const TypeParams& t = gt.type[a.group[i]];
    a.hp[i] = t.hp_max;
    a.action[i] = static_cast<uint8_t>(t.stay_action);
    a.alive[i] = 1;
    a.died[i] = 0;
    a.reward[i] = 0.0f;
    a.prev_reward[i] = 0.0f;
  }
}

__global__ void resolve_hits_kernel(int64_t n,
                                    AgentView a,    // in: x, y, group, action; in/out: hp, alive; out: died, killer
                                    GridView g,     // in: occ (start of step)
                                    GroupTable gt,  // in
                                    uint64_t seed, int64_t step) {
  for (int64_t v = thread_index(); v < n; v += thread_stride()) resolve_hits(v, a, g, gt, seed, step);
}

__global__ void classify_hits_kernel(int64_t n,
                                     AgentView a,    // in: killer, alive, died, action; out: hit, hit_bonus
                                     GridView g,     // in: occ (start of step)
                                     GroupTable gt,  // in
                                     uint64_t seed, int64_t step) {
  for (int64_t i = thread_index(); i < n; i += thread_stride()) classify_hit(i, a, g, gt, seed, step);
}

__global__ void recover_kernel(int64_t n,
                               AgentView a,    // in/out: hp, alive, died
                               GridView g,     // out: occ (the dead leave their cell)
                               GroupTable gt)  // in
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) recover_and_clear(i, a, g, gt);
}

__global__ void begin_move_kernel(int64_t n,
                                  AgentView a,    // in: alive, action; out: move_state, decision
                                  GroupTable gt)  // in
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) begin_move(i, a, gt);
}

__global__ void claim_move_kernel(int64_t n,
                                  AgentView a,    // in: x, y, action, move_state; out: decision
                                  GridView g,     // in: occ; out: claim (atomicMax)
                                  GroupTable gt,  // in
                                  uint64_t seed, int64_t step) {
  for (int64_t i = thread_index(); i < n; i += thread_stride())
    claim_move(i, a, g, gt, seed, step, AtomicMaxU64{});
}

__global__ void apply_move_kernel(int64_t n,
                                  AgentView a,    // in: decision, action; in/out: x, y, move_state
                                  GridView g,     // in/out: claim, occ
                                  GroupTable gt,  // in
                                  uint64_t seed, int64_t step) {
  for (int64_t i = thread_index(); i < n; i += thread_stride()) apply_move(i, a, g, gt, seed, step);
}

__global__ void reward_kernel(int64_t n,
                              AgentView a,    // in: died, alive, hit, hit_bonus, action; in/out: reward; out: prev_reward
                              GroupTable gt)  // in
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) compute_reward(i, a, gt);
}

// Block sums in shared memory, then one global atomicAdd per (field, group) per block.
__global__ void stats_kernel(int64_t n,
                             AgentView a,         // in: group, alive, hit, reward
                             DeviceStats* stats)  // out: added to (zeroed before)
{
  constexpr int kSlots = kStatFields * kMaxGroups;
  __shared__ unsigned long long sums[kSlots];
  for (int k = threadIdx.x; k < kSlots; k += blockDim.x) sums[k] = 0;
  __syncthreads();
  for (int64_t i = thread_index(); i < n; i += thread_stride()) {
    const StatsTerm s = stats_term(i, a);
    if (s.alive) atomicAdd(&sums[kStatAlive * kMaxGroups + s.group], s.alive);
    if (s.kill) atomicAdd(&sums[kStatKills * kMaxGroups + s.group], s.kill);
    if (s.hit) atomicAdd(&sums[kStatHits * kMaxGroups + s.group], s.hit);
    if (s.reward_fixed != 0)
      atomicAdd(&sums[kStatReward * kMaxGroups + s.group], static_cast<unsigned long long>(s.reward_fixed));
  }
  __syncthreads();
  unsigned long long* out = &stats->v[0][0];
  for (int k = threadIdx.x; k < kSlots; k += blockDim.x)
    if (sums[k] != 0) atomicAdd(&out[k], sums[k]);
}

}  // namespace

void launch_reset_agents(const AgentView& a, const GroupTable& gt, cudaStream_t stream) {
  linear_kernel(reset_agents_kernel, 0, stream, a.n, a, gt);
}

void launch_attacks(const AgentView& a, const GridView& g, const GroupTable& gt, uint64_t seed,
                    int64_t step, cudaStream_t stream) {
  linear_kernel(resolve_hits_kernel, 0, stream, a.n, a, g, gt, seed, step);
  linear_kernel(classify_hits_kernel, 0, stream, a.n, a, g, gt, seed, step);
}

void launch_recovery(const AgentView& a, const GridView& g, const GroupTable& gt, cudaStream_t stream) {
  linear_kernel(recover_kernel, 0, stream, a.n, a, g, gt);
}

void launch_moves(const AgentView& a, const GridView& g, const GroupTable& gt, uint64_t seed,
                  int64_t step, cudaStream_t stream) {
  linear_kernel(begin_move_kernel, 0, stream, a.n, a, gt);
  // Every round, without reading back whether anything changed: once the CPU would stop (a round
  // with no change) the claims are all 0 and every further round repeats the same no-op.
  for (int round = 0; round < kMaxMoveRounds; ++round) {
    linear_kernel(claim_move_kernel, 0, stream, a.n, a, g, gt, seed, step);
    linear_kernel(apply_move_kernel, 0, stream, a.n, a, g, gt, seed, step);
  }
}

void launch_rewards(const AgentView& a, const GroupTable& gt, cudaStream_t stream) {
  linear_kernel(reward_kernel, 0, stream, a.n, a, gt);
}

void launch_stats(const AgentView& a, DeviceStats* d_stats, cudaStream_t stream) {
  MYRIAD_CUDA_CHECK(cudaMemsetAsync(d_stats, 0, sizeof(DeviceStats), stream));
  linear_kernel(stats_kernel, 0, stream, a.n, a, d_stats);
}

}  // namespace myriad::gpu
