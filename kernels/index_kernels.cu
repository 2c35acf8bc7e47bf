// index_kernels.cu: the spatial index rebuilt every step: occupancy (clear_cell, scatter_agent), then
// agents sorted by tile_key with CUB's stable radix sort and per-tile start offsets (as CpuWorld's).
#include <cub/device/device_radix_sort.cuh>

#include "cuda_world.cuh"
#include "launch.cuh"
#include "myriad/rules/grid.hpp"

namespace myriad::gpu {
namespace {

__global__ void clear_cells_kernel(int64_t n_cells,
                                   GridView g)  // in: wall; out: occ
{
  for (int64_t c = thread_index(); c < n_cells; c += thread_stride()) clear_cell(c, g);
}

__global__ void scatter_agents_kernel(int64_t n,
                                      AgentView a,  // in: alive, x, y
                                      GridView g)   // out: occ
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) scatter_agent(i, a, g);
}

__global__ void tile_keys_kernel(int64_t n,
                                 AgentView a,     // in: alive, x, y
                                 TileView tv,     // in: tile geometry
                                 uint32_t* keys)  // out: n tile keys (n_tiles for the dead)
{
  for (int64_t i = thread_index(); i < n; i += thread_stride())
    keys[i] = static_cast<uint32_t>(tile_key(i, a, tv));
}

// tile_start[k] = number of keys < k = first sorted position whose key is >= k (a lower bound),
// for k in [0, n_tiles + 2): the offsets CpuWorld's counting sort produces.
__global__ void tile_start_kernel(int64_t n_starts,
                                  const uint32_t* sorted_keys,  // in: n keys, ascending
                                  int64_t n,
                                  int32_t* tile_start)          // out: n_starts offsets
{
  for (int64_t k = thread_index(); k < n_starts; k += thread_stride()) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (static_cast<int64_t>(sorted_keys[mid]) < k) lo = mid + 1;
      else hi = mid;
    }
    tile_start[k] = static_cast<int32_t>(lo);
  }
}

__global__ void iota_kernel(int64_t n,
                            int32_t* ids)  // out: ids[i] = i
{
  for (int64_t i = thread_index(); i < n; i += thread_stride()) ids[i] = static_cast<int32_t>(i);
}

}  // namespace

int tile_key_bits(int64_t n_tiles) {
  int bits = 1;  // the largest key is n_tiles (the dead)
  while (bits < 32 && (int64_t{1} << bits) <= n_tiles) ++bits;
  return bits;
}

size_t tile_sort_temp_bytes(int64_t n, int end_bit) {
  size_t bytes = 0;
  MYRIAD_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, bytes, static_cast<const uint32_t*>(nullptr),
                                                    static_cast<uint32_t*>(nullptr),
                                                    static_cast<const int32_t*>(nullptr),
                                                    static_cast<int32_t*>(nullptr), static_cast<int>(n), 0,
                                                    end_bit));
  return bytes;
}

void launch_iota(int32_t* d_ids, int64_t n, cudaStream_t stream) {
  linear_kernel(iota_kernel, 0, stream, n, d_ids);
}

void launch_build_index(const AgentView& a, const GridView& g, const TileView& tv, const IndexBuffers& b,
                        cudaStream_t stream) {
  linear_kernel(clear_cells_kernel, 0, stream, g.dims.n_cells(), g);
  linear_kernel(scatter_agents_kernel, 0, stream, a.n, a, g);
  linear_kernel(tile_keys_kernel, 0, stream, a.n, a, tv, b.keys);
  // LSD radix sort is stable and the values enter as 0..n-1, so equal keys keep id order: the
  // order of CpuWorld's stable counting sort.
  size_t temp_bytes = b.temp_bytes;
  MYRIAD_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(b.temp, temp_bytes, b.keys, b.sorted_keys, b.ids,
                                                    b.sorted_ids, static_cast<int>(a.n), 0, b.end_bit,
                                                    stream));
  const int64_t n_tiles = static_cast<int64_t>(tv.tiles_x) * tv.tiles_y;
  linear_kernel(tile_start_kernel, 0, stream, n_tiles + 2, static_cast<const uint32_t*>(b.sorted_keys), a.n,
                b.tile_start);
}

}  // namespace myriad::gpu
