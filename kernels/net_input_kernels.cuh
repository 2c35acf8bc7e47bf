// net_input_kernels.cuh: the network-input assembly kernel (rules/net_input.hpp) shared by the CUDA
// TrainerOps (net_input) and the CUDA network (forward_inputs without tensor math on bf16 views).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "myriad/rules/net_input.hpp"

namespace myriad::gpu {

// rows × s.width() elements of rows first_id + r (or first_id + ids[r]) into d, on `stream`.
void launch_net_input(cudaStream_t stream, const NetInputSource& s, int64_t first_id, const int64_t* ids,
                      int64_t rows, const NetInputDest& d);

}  // namespace myriad::gpu
