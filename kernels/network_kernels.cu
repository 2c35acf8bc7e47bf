// network_kernels.cu: the network's thin kernels: an index, a call to a rule of rules/network.hpp,
// and a deterministic one-block double reduction for the gradient-norm sum.
#include "launch.cuh"
#include "network_kernels.cuh"

namespace myriad::gpu {

namespace {

// Linear over batch·out values; the column by a 32-bit modulo while the count fits (every batch the
// trainer and the players use), 64-bit beyond.
__global__ void bias_activation_kernel(int64_t n, float* z,  // in/out: z [batch][out]
                                       const float* bias,    // in: [out]
                                       int out, bool relu) {
  const bool narrow = n <= 0xFFFFFFFFll;
  for (int64_t j = thread_index(); j < n; j += thread_stride()) {
    const int o = narrow ? static_cast<int>(static_cast<uint32_t>(j) % static_cast<uint32_t>(out))
                         : static_cast<int>(j % out);
    z[j] = bias_activation(z[j], bias[o], relu);
  }
}

// out[o·ld + i] = bf16(w[o·ni + i]) for i < rows_used (zeros in the padding up to ld): the first
// rows_used inputs' weights of a column-major [ni][no] layer as a column-major bf16 matrix, ld ≥ rows_used.
__global__ void weights_bf16_kernel(int64_t n, const float* w, int ni, int rows_used, int ld, Bf16* out) {
  for (int64_t j = thread_index(); j < n; j += thread_stride()) {
    const int64_t o = j / ld, i = j % ld;
    out[j] = i < rows_used ? to_bf16(w[o * ni + i]) : Bf16{0};
  }
}

__global__ void relu_backward_kernel(int64_t n, const float* a,  // in: the layer input (ReLU output)
                                     float* da) {                // in/out: gradient w.r.t. a
  for (int64_t j = thread_index(); j < n; j += thread_stride()) da[j] = relu_backward(da[j], a[j]);
}

__global__ void sum_kernel(int64_t n, const float* x,  // in: [n]
                           bool square, double* out) {  // out: one double
  __shared__ double part[kBlockThreads];
  double acc = 0.0;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
    const double v = x[j];
    acc += square ? v * v : v;
  }
  part[threadIdx.x] = acc;
  __syncthreads();
  for (int w = blockDim.x / 2; w > 0; w /= 2) {
    if (static_cast<int>(threadIdx.x) < w) part[threadIdx.x] += part[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = part[0];
}

__global__ void adam_kernel(int64_t n, float* p, float* m, float* v,  // in/out: parameters, moments
                            float* g,                                  // in: gradient; out: zeroed
                            const double* grad_sq_norm,                // in: ||g||²
                            float clip_norm, AdamScalars s) {
  const float scale = clip_scale(static_cast<float>(*grad_sq_norm), clip_norm);
  for (int64_t j = thread_index(); j < n; j += thread_stride()) {
    adam_update(p[j], m[j], v[j], g[j], scale, s);
    g[j] = 0.0f;
  }
}

__global__ void soft_update_kernel(int64_t n, float* target,  // in/out
                                   const float* online,        // in
                                   float tau) {
  for (int64_t j = thread_index(); j < n; j += thread_stride()) target[j] = soft_update(target[j], online[j], tau);
}

__global__ void fill_kernel(int64_t n, float* x, float value) {  // out: x
  for (int64_t j = thread_index(); j < n; j += thread_stride()) x[j] = value;
}

}  // namespace

void launch_bias_activation(cudaStream_t s, float* z, const float* bias, int batch, int out, bool relu) {
  linear_kernel(bias_activation_kernel, 0, s, static_cast<int64_t>(batch) * out, z, bias, out, relu);
}

void launch_weights_bf16(cudaStream_t s, const float* w, int ni, int no, int rows_used, int ld, Bf16* out) {
  linear_kernel(weights_bf16_kernel, 0, s, static_cast<int64_t>(no) * ld, w, ni, rows_used, ld, out);
}
void launch_relu_backward(cudaStream_t s, const float* a, float* da, int64_t n) {
  linear_kernel(relu_backward_kernel, 0, s, n, a, da);
}
void launch_sum(cudaStream_t s, const float* x, int64_t n, bool square, double* out) {
  sum_kernel<<<1, kBlockThreads, 0, s>>>(n, x, square, out);
  MYRIAD_LAUNCH_CHECK();
}
void launch_adam(cudaStream_t s, float* p, float* m, float* v, float* g, int64_t n, const double* grad_sq_norm,
                 float clip_norm, const AdamScalars& scalars) {
  linear_kernel(adam_kernel, 0, s, n, p, m, v, g, grad_sq_norm, clip_norm, scalars);
}
void launch_soft_update(cudaStream_t s, float* target, const float* online, int64_t n, float tau) {
  linear_kernel(soft_update_kernel, 0, s, n, target, online, tau);
}
void launch_fill(cudaStream_t s, float* x, int64_t n, float value) { linear_kernel(fill_kernel, 0, s, n, x, value); }

}  // namespace myriad::gpu
