// net_input_kernels.cu: the network-input assembly as a row kernel: a block per row, its threads over
// the row's columns, so no element pays a 64-bit division (rows × 898 passes 2^32 at ~4.8M rows).
#include "launch.cuh"
#include "net_input_kernels.cuh"

namespace myriad::gpu {

namespace {

__global__ void net_input_kernel(int64_t rows, NetInputSource s, int64_t first_id, const int64_t* ids,
                                 NetInputDest d) {
  const int64_t w = s.width();
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x)
    for (int64_t c = threadIdx.x; c < w; c += blockDim.x) net_input_element(s, first_id, ids, r, c, d);
}

}  // namespace

void launch_net_input(cudaStream_t stream, const NetInputSource& s, int64_t first_id, const int64_t* ids,
                      int64_t rows, const NetInputDest& d) {
  row_kernel(net_input_kernel, stream, rows, s, first_id, ids, d);
}

}  // namespace myriad::gpu
