// network_kernels.cuh: launchers of the network's thin kernels (bias + activation, ReLU backward,
// double-precision sums, Adam, soft update); each kernel calls the rules of rules/network.hpp.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "myriad/bf16.hpp"
#include "myriad/rules/network.hpp"

namespace myriad::gpu {

// z[b][o] = bias_activation(z[b][o], bias[o], relu) over batch × out values.
void launch_bias_activation(cudaStream_t s, float* z, const float* bias, int batch, int out, bool relu);
// da[j] = relu_backward(da[j], a[j]) over n values.
void launch_relu_backward(cudaStream_t s, const float* a, float* da, int64_t n);
// *out = Σ x[j] (or Σ x[j]² when square) in double, by one block in a fixed order (deterministic).
void launch_sum(cudaStream_t s, const float* x, int64_t n, bool square, double* out);
// Adam on n parameters with the clipping scale from *grad_sq_norm; zeroes the gradient after use.
void launch_adam(cudaStream_t s, float* p, float* m, float* v, float* g, int64_t n, const double* grad_sq_norm,
                 float clip_norm, const AdamScalars& scalars);
// target[j] = soft_update(target[j], online[j], tau).
void launch_soft_update(cudaStream_t s, float* target, const float* online, int64_t n, float tau);
// The weights of a column-major [ni][no] layer's first rows_used inputs as bf16, column-major
// [ld][no] (ld ≥ rows_used, zero padded): the A operand of the bf16 view product of forward_inputs.
void launch_weights_bf16(cudaStream_t s, const float* w, int ni, int no, int rows_used, int ld, Bf16* out);
// x[j] = value.
void launch_fill(cudaStream_t s, float* x, int64_t n, float value);

}  // namespace myriad::gpu
