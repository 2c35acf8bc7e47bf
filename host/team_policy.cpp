// team_policy.cpp: TeamPolicy: chunked forwards of the shared network on the group's inputs where the
// world keeps them, and action selection on the world's backend.
#include "myriad/team_policy.hpp"

#include <algorithm>

#include "myriad/select.hpp"

namespace myriad {

TeamPolicy::TeamPolicy(World& world, TrainerOps& ops, int group) : world_(world), ops_(ops), group_(group) {
  if (&ops.backend() != &world.backend())
    throw std::invalid_argument("TeamPolicy: the ops and the world must share one backend context");
  const GroupTable& gt = world.groups();
  begin_ = gt.begin[group];
  count_ = gt.count(group);
  n_actions_ = gt.type[group].n_actions();
  q_ = ops_.alloc<float>(static_cast<size_t>(count_) * static_cast<size_t>(n_actions_));
}

NetInputSource net_input_source(World& world, int group, InputMode m) {
  const GroupBuffers b = world.group_buffers(group);
  NetInputSource s;
  s.obs_f32 = b.obs_f32;
  s.obs_bf16 = b.obs_bf16;
  s.features = b.features;
  s.mean_action = m == InputMode::kMeanAction ? b.mean_action : nullptr;
  s.view_size = b.view_size;
  s.view_stride = b.row_stride;
  s.n_features = b.n_features;
  s.k_stride = b.k_stride;
  s.n_mean = m == InputMode::kNoMean ? 0 : world.groups().type[group].n_actions();
  return s;
}

MlpShape group_network_shape(const World& world, int group, InputMode m, const std::vector<int>& hidden) {
  const ObsLayout& L = world.obs_layout(group);
  MlpShape shape;
  shape.outputs = world.groups().type[group].n_actions();
  shape.inputs = static_cast<int>(L.obs_stride()) + L.n_features + (m == InputMode::kNoMean ? 0 : shape.outputs);
  shape.hidden = hidden;
  return shape;
}

NetInputSource TeamPolicy::source(InputMode m) const { return net_input_source(world_, group_, m); }

void TeamPolicy::forward(Network& net, InputMode m) {
  if (count_ == 0) return;
  const NetInputSource s = source(m);
  for (int64_t r0 = 0; r0 < count_; r0 += kForwardChunk)
    net.forward_inputs(s, r0, static_cast<int>(std::min(kForwardChunk, count_ - r0)), q_ + r0 * n_actions_);
}

void TeamPolicy::select(SelectParams p) {
  if (count_ == 0) return;
  p.n_actions = p.stride = n_actions_;
  select_actions(ops_.backend(), p, q_, count_, nullptr, world_.group_buffers(group_).action);
}

void TeamPolicy::max_output_sum(double* out) const {
  ops_.backend().learn().max_q_sum(q_, n_actions_, world_.group_buffers(group_).alive, count_, out);
}

SelectParams greedy_select(uint64_t seed, uint32_t step) {
  SelectParams p;
  p.mode = SelectMode::kGreedy;
  p.seed = seed;
  p.step = step;
  return p;
}

SelectParams sample_select(uint64_t seed, uint32_t step) {
  SelectParams p;
  p.mode = SelectMode::kBoltzmann;
  p.temperature = 1.0f;
  p.seed = seed;
  p.step = step;
  return p;
}

}  // namespace myriad
