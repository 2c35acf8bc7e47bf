// select.hpp: action selection over n agents (rules/select.hpp) on a backend: the same rule on both, so
// the backend never changes the draws.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
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

// actions[i] from row i of q by p's mode on the backend (q, ids, actions in its memory; ids null: id = row).
void select_actions(Backend& backend, const SelectParams& p, const float* q, int64_t n, const uint32_t* ids,
                    uint8_t* actions);

// Host-vector convenience (tests, tools); ids empty: id = row. Copies to the backend and back (waits).
std::vector<uint8_t> select_actions_host(Backend& backend, const SelectParams& p, const std::vector<float>& q,
                                         int64_t n, const std::vector<uint32_t>& ids = {});

}  // namespace myriad
