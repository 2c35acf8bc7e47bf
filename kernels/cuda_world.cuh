// cuda_world.cuh: what the CUDA backend's .cu files share: the device stats struct, the buffer
// bundles, and one host launcher per phase (each .cu launches only the kernels it defines).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "myriad/bf16.hpp"
#include "myriad/world.hpp"

namespace myriad::gpu {

// Per-group sums of one step (StepStats), reduced on the device with integer atomics.
enum StatField { kStatAlive = 0, kStatKills = 1, kStatHits = 2, kStatReward = 3, kStatFields = 4 };
struct DeviceStats {
  unsigned long long v[kStatFields][kMaxGroups];  // reward: two's complement of the signed sum
};

// ---- env_kernels.cu: the rules of one step and its stats ----
// Reset of the agents (x, y uploaded already): hp = hp_max, action = stay, alive, rewards 0.
void launch_reset_agents(const AgentView& a, const GroupTable& gt, cudaStream_t stream);
// resolve_hits per victim, then classify_hit per attacker (died must be zeroed before).
void launch_attacks(const AgentView& a, const GridView& g, const GroupTable& gt, uint64_t seed,
                    int64_t step, cudaStream_t stream);
// recover_and_clear per agent.
void launch_recovery(const AgentView& a, const GridView& g, const GroupTable& gt, cudaStream_t stream);
// begin_move, then all kMaxMoveRounds rounds of claim + apply (no read-back; extra rounds are no-ops).
void launch_moves(const AgentView& a, const GridView& g, const GroupTable& gt, uint64_t seed,
                  int64_t step, cudaStream_t stream);
// compute_reward per agent.
void launch_rewards(const AgentView& a, const GroupTable& gt, cudaStream_t stream);
// Zeroes *d_stats and adds every agent's contribution.
void launch_stats(const AgentView& a, DeviceStats* d_stats, cudaStream_t stream);

// ---- index_kernels.cu: occupancy grid and agents sorted by coarse tile ----
struct IndexBuffers {
  uint32_t* keys;         // n: tile_key per agent
  uint32_t* sorted_keys;  // n
  const int32_t* ids;     // n: 0..n-1
  int32_t* sorted_ids;    // n
  int32_t* tile_start;    // n_tiles + 2
  void* temp;             // CUB temp storage, temp_bytes long
  size_t temp_bytes;
  int end_bit;            // key bits to sort
};
int tile_key_bits(int64_t n_tiles);
size_t tile_sort_temp_bytes(int64_t n, int end_bit);  // needs a device (asks CUB)
void launch_iota(int32_t* d_ids, int64_t n, cudaStream_t stream);
void launch_build_index(const AgentView& a, const GridView& g, const TileView& tv, const IndexBuffers& b,
                        cudaStream_t stream);

// ---- mean_action_kernels.cu ----
// Zeroes d_mean (n·k_stride floats), then fills it as the config's mode and metric say.
void launch_mean_action(MeanActionMode mode, const AgentView& a, const GridView& g,
                        const GroupTable& gt, const MeanActionParams& p, uint8_t* d_hc,
                        uint32_t* d_team_counts, float* d_mean, cudaStream_t stream);

// ---- observe_kernels.cu ----
struct ObsBuffers {
  float* obs_f32;          // n·row_stride, or null when the dtype is bf16
  Bf16* obs_bf16;          // n·row_stride, or null when the dtype is f32
  float* feat;             // n·n_features
  int32_t* minimap_counts; // G·V·V
  int32_t* minimap_div;    // G
};
void launch_observe(const AgentView& a, const GridView& g, const GroupTable& gt, const ObsLayout& L,
                    const ObsBuffers& b, bool acted, cudaStream_t stream);

// ---- policy_kernels.cu ----
struct PolicyTable {
  PolicySpec spec[kMaxGroups];
};
void launch_policy(const PolicyTable& pt, const AgentView& a, const GridView& g, const GroupTable& gt,
                   const TileView& tv, uint64_t seed, int64_t step, cudaStream_t stream);

// ---- render_kernels.cu ----
// render_pixel per output pixel into d_rgb (rp.n_pixels()·3 bytes); rp checked by the caller.
void launch_render(const GridView& g, const AgentView& a, const GroupTable& gt, const RenderParams& rp,
                   uint8_t* d_rgb, cudaStream_t stream);

}  // namespace myriad::gpu
