// select_cpu.cpp: the CPU loop of action selection (one rule call per agent, OpenMP) and the
// throwing CUDA stand-ins of a build without nvcc.
#include <stdexcept>
#include <string>

#include "myriad/select.hpp"

namespace myriad {

void select_actions_cpu(const SelectParams& p, const float* q, int64_t n, const uint32_t* ids, uint8_t* actions) {
  validate_select_params(p);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) select_action(i, ids, q, p, actions);
}

namespace {
void check_host_sizes(const SelectParams& p, size_t q_size, int64_t n, size_t ids_size) {
  if (n < 0 || q_size < static_cast<size_t>(n) * static_cast<size_t>(p.stride))
    throw std::invalid_argument("select_actions: q holds fewer than n rows of stride floats");
  if (ids_size != 0 && ids_size != static_cast<size_t>(n))
    throw std::invalid_argument("select_actions: ids must be empty or hold n ids");
}
}  // namespace

std::vector<uint8_t> select_actions_cpu_host(const SelectParams& p, const std::vector<float>& q, int64_t n,
                                             const std::vector<uint32_t>& ids) {
  validate_select_params(p);
  check_host_sizes(p, q.size(), n, ids.size());
  std::vector<uint8_t> actions(static_cast<size_t>(n));
  select_actions_cpu(p, q.data(), n, ids.empty() ? nullptr : ids.data(), actions.data());
  return actions;
}

#if !defined(MYRIAD_HAVE_CUDA)
void select_actions_cuda(const SelectParams&, const float*, int64_t, const uint32_t*, uint8_t*, void*) {
  throw std::runtime_error("this build has no CUDA backend (configured without nvcc)");
}
std::vector<uint8_t> select_actions_cuda_host(const SelectParams&, const std::vector<float>&, int64_t,
                                              const std::vector<uint32_t>&) {
  throw std::runtime_error("this build has no CUDA backend (configured without nvcc)");
}
#endif

}  // namespace myriad
