// select.cpp: action selection through the backend's learn program, and its host-vector convenience.
#include "myriad/select.hpp"

#include "myriad/engine/learn_program.hpp"

namespace myriad {

void select_actions(Backend& backend, const SelectParams& p, const float* q, int64_t n, const uint32_t* ids,
                    uint8_t* actions) {
  validate_select_params(p);
  if (n > 0) backend.learn().select_actions(p, q, n, ids, actions);
}

std::vector<uint8_t> select_actions_host(Backend& backend, const SelectParams& p, const std::vector<float>& q,
                                         int64_t n, const std::vector<uint32_t>& ids) {
  validate_select_params(p);
  if (n < 0 || q.size() < static_cast<size_t>(n) * static_cast<size_t>(p.stride))
    throw std::invalid_argument("select_actions: q holds fewer than n rows of stride floats");
  if (!ids.empty() && ids.size() != static_cast<size_t>(n))
    throw std::invalid_argument("select_actions: ids must be empty or hold n ids");
  std::vector<uint8_t> h_actions(static_cast<size_t>(n));
  if (n == 0) return h_actions;
  Buffer<float> d_q(backend, q.size());
  Buffer<uint32_t> d_ids(backend, ids.size());
  Buffer<uint8_t> d_actions(backend, static_cast<size_t>(n));
  d_q.upload(q);
  d_ids.upload(ids);
  select_actions(backend, p, d_q.data(), n, ids.empty() ? nullptr : d_ids.data(), d_actions.data());
  backend.to_host(h_actions.data(), d_actions.data(), h_actions.size());
  return h_actions;
}

}  // namespace myriad
