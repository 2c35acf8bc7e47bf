// select.hpp: launchers of action selection over n agents (rules/select.hpp): a CPU loop and a CUDA
// kernel, the same rule on both, so the trainer picks a backend without changing the draws.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/rules/select.hpp"

namespace myriad {

// Throws std::invalid_argument naming the problem (K outside [1, 256], stride < K, T <= 0,
// ε outside [0, 1]).
inline void validate_select_params(const SelectParams& p) {
  if (p.n_actions < 1 || p.n_actions > 256)
    throw std::invalid_argument("SelectParams: n_actions must be in [1, 256], got " + std::to_string(p.n_actions));
  if (p.stride < p.n_actions)
    throw std::invalid_argument("SelectParams: stride " + std::to_string(p.stride) + " < n_actions");
  if (p.mode == SelectMode::kBoltzmann && !(p.temperature > 0.0f))
    throw std::invalid_argument("SelectParams: Boltzmann temperature must be positive");
  if (p.mode == SelectMode::kEpsilonGreedy && !(p.epsilon >= 0.0f && p.epsilon <= 1.0f))
    throw std::invalid_argument("SelectParams: epsilon must be in [0, 1]");
}

// in: q [n][stride] (host), ids [n] or nullptr (id = row); out: actions [n] (host). OpenMP loop.
void select_actions_cpu(const SelectParams& p, const float* q, int64_t n, const uint32_t* ids, uint8_t* actions);

// Same on the device: q, ids, actions are device pointers. `stream` is a cudaStream_t (nullptr: the
// legacy default stream); asynchronous. Throws std::runtime_error in a build without CUDA.
void select_actions_cuda(const SelectParams& p, const float* q, int64_t n, const uint32_t* ids, uint8_t* actions,
                         void* stream = nullptr);

// Host-vector conveniences (tests, tools); ids empty: id = row.
std::vector<uint8_t> select_actions_cpu_host(const SelectParams& p, const std::vector<float>& q, int64_t n,
                                             const std::vector<uint32_t>& ids = {});
// Copies to the device, selects, copies back (synchronous).
std::vector<uint8_t> select_actions_cuda_host(const SelectParams& p, const std::vector<float>& q, int64_t n,
                                              const std::vector<uint32_t>& ids = {});

}  // namespace myriad
