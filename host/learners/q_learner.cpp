// learners/q_learner.cpp: MF-Q and IQL: the shared Q-network and its target copy, the TD step from the
// replay, and their checkpoint sections (<name>.online, .target, .adam_m, .adam_v, .adam_step).
#include <stdexcept>

#include "learners/learner_impl.hpp"
#include "myriad/rng.hpp"

namespace myriad {

size_t QLearner::scratch_bytes(const TrainConfig& c, const MlpShape& shape) {
  const size_t B = static_cast<size_t>(c.batch), K = static_cast<size_t>(shape.outputs);
  return B * (4 * K + 2) * sizeof(float);  // q_tgt, q_on, q_x, dz; y, terms
}

size_t QLearner::network_bytes_planned(const TrainConfig& c, const MlpShape& shape, int64_t team, bool cuda) {
  return value_network_pair_bytes(c, shape, team, cuda);
}

QLearner::QLearner(const LearnerSetup& s) : Learner(s, value_network_shape(s)) {
  const MlpShape shape = value_network_shape(s);
  const NetMath math = cfg_.network_math.value_or(NetMath::kFp32);  // CUDA networks only
  const uint64_t net_seed = seed_mix(cfg_.seed, 1 + 10 * static_cast<uint64_t>(index_));
  Backend& be = ops_.backend();
  online_ = make_network(be, shape, net_seed, math);
  target_ = make_network(be, shape, net_seed, math);
  for (Network* n : {online_.get(), target_.get()}) configure_adam(*n, cfg_.lr);
  target_->copy_from(*online_);
  const int chunk = static_cast<int>(acting_rows(team_));
  online_->prepare(chunk, static_cast<int>(batch_));  // acting chunks; update and double-Q batches
  target_->prepare(0, static_cast<int>(batch_));
  const size_t B = static_cast<size_t>(batch_), K = static_cast<size_t>(shape.outputs);
  q_tgt_ = ops_.alloc<float>(B * K);
  q_on_ = ops_.alloc<float>(B * K);
  q_x_ = ops_.alloc<float>(B * K);
  dz_ = ops_.alloc<float>(B * K);
  y_ = ops_.alloc<float>(B);
  terms_ = ops_.alloc<float>(B);
  allocate_log();
}

void QLearner::train_on_batch(int u) {
  const int B = static_cast<int>(batch_);
  TdParams p;
  p.kind = cfg_.target_kind();
  p.n_actions = online_->shape().outputs;
  p.gamma = static_cast<float>(cfg_.gamma);
  p.temperature = static_cast<float>(cfg_.target_temperature);
  const bool double_q = p.kind == TargetKind::kGreedyDouble;
  const LearnProgram& learn = ops_.backend().learn();
  target_->forward(bx_next_, B, q_tgt_);
  if (double_q) online_->forward(bx_next_, B, q_on_);
  ops_.td_targets(p, B, br_, bd_, q_tgt_, double_q ? q_on_ : nullptr, y_);
  online_->forward(bx_, B, q_x_);
  learn.td_loss(B, p.n_actions, q_x_, ba_, y_, masked_mean_inverse(static_cast<float>(B)), dz_, terms_);
  learn.sum_terms(terms_, B, log_slot(u, 0));
  online_->backward(bx_, B, dz_);
  online_->adam_step();
  update_target(*target_, *online_);
}

std::vector<std::pair<std::string, const Network*>> QLearner::networks() const {
  return {{name_ + ".online", online_.get()}, {name_ + ".target", target_.get()}};
}

void QLearner::save(Checkpoint& ck) const {
  put_network(ck, name_ + ".online", *online_);
  put_network(ck, name_ + ".target", *target_);
  put_adam(ck, name_, *online_);
  put_replay_counter(ck);
}

void QLearner::restore(const Checkpoint& ck) {
  get_network(ck, name_ + ".online", *online_);
  get_network(ck, name_ + ".target", *target_);
  get_adam(ck, name_, *online_);
  get_replay_counter(ck);
}

void QLearner::init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) {
  start_pair_from(ck, prefix + ".online", path, *online_, *target_);
}

}  // namespace myriad
