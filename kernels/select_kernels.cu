// select_kernels.cu: action selection on the device, one thread per agent calling the shared rule
// (rules/select.hpp), so the CUDA backend draws exactly what the CPU loop draws.
#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "launch.cuh"
#include "myriad/device_buffer.hpp"
#include "myriad/select.hpp"

namespace myriad {
namespace {

__global__ void select_actions_kernel(int64_t n,
                                      SelectParams p,       // in
                                      const float* q,       // in: [n][p.stride]
                                      const uint32_t* ids,  // in: [n] or nullptr (id = row)
                                      uint8_t* actions)     // out: [n]
{
  for (int64_t i = gpu::thread_index(); i < n; i += gpu::thread_stride()) select_action(i, ids, q, p, actions);
}

}  // namespace

void select_actions_cuda(const SelectParams& p, const float* q, int64_t n, const uint32_t* ids, uint8_t* actions,
                         void* stream) {
  validate_select_params(p);
  gpu::linear_kernel(select_actions_kernel, 0, static_cast<cudaStream_t>(stream), n, p, q, ids, actions);
}

std::vector<uint8_t> select_actions_cuda_host(const SelectParams& p, const std::vector<float>& q, int64_t n,
                                              const std::vector<uint32_t>& ids) {
  validate_select_params(p);
  if (n < 0 || q.size() < static_cast<size_t>(n) * static_cast<size_t>(p.stride))
    throw std::invalid_argument("select_actions: q holds fewer than n rows of stride floats");
  if (!ids.empty() && ids.size() != static_cast<size_t>(n))
    throw std::invalid_argument("select_actions: ids must be empty or hold n ids");
  std::vector<uint8_t> h_actions(static_cast<size_t>(n));
  if (n == 0) return h_actions;
  DeviceBuffer<float> d_q(q.size());
  DeviceBuffer<uint32_t> d_ids(ids.size());
  DeviceBuffer<uint8_t> d_actions(static_cast<size_t>(n));
  MYRIAD_CUDA_CHECK(cudaMemcpy(d_q.data(), q.data(), d_q.bytes(), cudaMemcpyHostToDevice));
  if (!ids.empty()) MYRIAD_CUDA_CHECK(cudaMemcpy(d_ids.data(), ids.data(), d_ids.bytes(), cudaMemcpyHostToDevice));
  select_actions_cuda(p, d_q.data(), n, ids.empty() ? nullptr : d_ids.data(), d_actions.data(), nullptr);
  MYRIAD_CUDA_CHECK(cudaMemcpy(h_actions.data(), d_actions.data(), d_actions.bytes(), cudaMemcpyDeviceToHost));
  return h_actions;
}

}  // namespace myriad
