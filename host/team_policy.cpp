// team_policy.cpp: TeamPolicy: chunked forwards of the shared network on the group's inputs where the
// world keeps them, and action selection on the world's backend.
#include "myriad/team_policy.hpp"

#include <algorithm>

#include "myriad/select.hpp"

namespace myriad {

TeamPolicy::TeamPolicy(World& world, TrainerOps& ops, int group, bool use_mean_action)
    : world_(world), ops_(ops), group_(group), use_mean_(use_mean_action) {
  const GroupTable& gt = world.groups();
  begin_ = gt.begin[group];
  count_ = gt.begin[group + 1] - gt.begin[group];
  n_actions_ = gt.type[group].n_actions();
  q_ = ops_.alloc<float>(static_cast<size_t>(count_) * static_cast<size_t>(n_actions_));
}

NetInputSource net_input_source(World& world, int n_mean, bool use_mean_action) {
  const WorldBuffers b = world.buffers();
  NetInputSource s;
  s.obs_f32 = b.obs_f32;
  s.obs_bf16 = b.obs_bf16;
  s.features = b.features;
  s.mean_action = use_mean_action ? b.mean_action : nullptr;
  s.view_size = world.obs_layout().obs_stride();
  s.view_stride = world.obs_layout().row_stride();
  s.n_features = world.obs_layout().n_features;
  s.k_stride = world.mean_params().k_stride;
  s.n_mean = n_mean;
  return s;
}

NetInputSource TeamPolicy::source() const { return net_input_source(world_, n_actions_, use_mean_); }

void TeamPolicy::forward(QNetwork& net) {
  if (count_ == 0) return;
  const NetInputSource s = source();
  for (int64_t r0 = 0; r0 < count_; r0 += kForwardChunk)
    net.forward_inputs(s, begin_ + r0, static_cast<int>(std::min(kForwardChunk, count_ - r0)), q_ + r0 * n_actions_);
  net.synchronize();
}

void TeamPolicy::select(SelectParams p) {
  if (count_ == 0) return;
  p.n_actions = p.stride = n_actions_;
  uint8_t* actions = world_.buffers().action + begin_;
  if (ops_.on_device()) select_actions_cuda(p, q_, count_, nullptr, actions);
  else select_actions_cpu(p, q_, count_, nullptr, actions);
  ops_.synchronize();  // the world reads the actions on its own stream
}

double TeamPolicy::mean_max_q() {
  return ops_.mean_max_q(q_, n_actions_, world_.buffers().alive + begin_, count_);
}

SelectParams greedy_select(uint64_t seed, uint32_t step) {
  SelectParams p;
  p.mode = SelectMode::kGreedy;
  p.seed = seed;
  p.step = step;
  return p;
}

}  // namespace myriad
