// learners/mixer_learner.cpp: VDN, QMIX and MFQMIX: the agent Q-network and (QMIX, MFQMIX) the mixer's
// hypernetwork with their target copies, the TD step on mixed group values from windows of the replay,
// and their checkpoint sections (<name>.online, .target, .adam_*; <name>.hyper, .hyper_target,
// .hyper.adam_*).
#include <stdexcept>

#include "learners/learner_impl.hpp"
#include "myriad/rng.hpp"

namespace myriad {

MlpShape MixerLearner::hyper_shape(const TrainConfig& c, const MlpShape& agent) {
  MlpShape h;
  h.inputs = agent.inputs;
  h.hidden = {static_cast<int>(c.hypernet_hidden)};
  h.outputs = mixer_hyper_outputs(static_cast<int>(c.mixer_embed));
  return h;
}

size_t MixerLearner::scratch_bytes(const TrainConfig& c, const MlpShape& shape, int64_t team) {
  const size_t B = static_cast<size_t>(batch_windows(c, team).rows()), K = static_cast<size_t>(shape.outputs);
  size_t b = B * (4 * K + 2) * sizeof(float);  // q_tgt, q_on, q_x, dz; y, terms
  if (has_hypernetwork(c.algorithm))
    b += 3 * B * static_cast<size_t>(mixer_hyper_outputs(static_cast<int>(c.mixer_embed))) * sizeof(float);
  return b;
}

size_t MixerLearner::network_bytes_planned(const TrainConfig& c, const MlpShape& shape, int64_t team, bool cuda) {
  size_t b = value_network_pair_bytes(c, shape, team, cuda);
  if (has_hypernetwork(c.algorithm))
    b += 2 * network_bytes(hyper_shape(c, shape), static_cast<size_t>(batch_windows(c, team).rows()));
  return b;
}

MixerLearner::MixerLearner(const LearnerSetup& s) : Learner(s, value_network_shape(s)) {
  const MlpShape shape = value_network_shape(s);
  const NetMath math = cfg_.network_math.value_or(NetMath::kFp32);
  const uint64_t net_seed = seed_mix(cfg_.seed, 1 + 10 * static_cast<uint64_t>(index_));
  Backend& be = ops_.backend();
  online_ = make_network(be, shape, net_seed, math);
  target_ = make_network(be, shape, net_seed, math);
  for (Network* n : {online_.get(), target_.get()}) configure_adam(*n, cfg_.lr);
  target_->copy_from(*online_);
  const int B = static_cast<int>(batch_);
  online_->prepare(static_cast<int>(acting_rows(team_)), B);
  target_->prepare(0, B);
  const size_t b = static_cast<size_t>(batch_), K = static_cast<size_t>(shape.outputs);
  q_tgt_ = ops_.alloc<float>(b * K);
  q_on_ = ops_.alloc<float>(b * K);
  q_x_ = ops_.alloc<float>(b * K);
  dz_ = ops_.alloc<float>(b * K);
  y_ = ops_.alloc<float>(b);
  terms_ = ops_.alloc<float>(b);
  if (has_hypernetwork(algo_)) {
    const MlpShape hs = hyper_shape(cfg_, shape);
    const uint64_t hyper_seed = seed_mix(cfg_.seed, 7 + 10 * static_cast<uint64_t>(index_));
    hyper_ = make_network(be, hs, hyper_seed, math);
    hyper_target_ = make_network(be, hs, hyper_seed, math);
    for (Network* n : {hyper_.get(), hyper_target_.get()}) {
      configure_adam(*n, cfg_.lr);
      n->prepare(0, B);
    }
    hyper_target_->copy_from(*hyper_);
    const size_t H = static_cast<size_t>(hs.outputs);
    h_ = ops_.alloc<float>(b * H);
    h_next_ = ops_.alloc<float>(b * H);
    dh_ = ops_.alloc<float>(b * H);
  }
  allocate_log();
}

MixerParams MixerLearner::mixer_params() const {
  MixerParams p;
  p.kind = has_hypernetwork(algo_) ? MixerKind::kMonotone : MixerKind::kSum;
  p.embed = static_cast<int>(cfg_.mixer_embed);
  p.window = windows_.window;
  p.n_actions = online_->shape().outputs;
  p.gamma = static_cast<float>(cfg_.gamma);
  p.td.kind = cfg_.target_kind();
  p.td.n_actions = p.n_actions;
  p.td.gamma = 1.0f;
  p.td.temperature = static_cast<float>(cfg_.target_temperature);
  return p;
}

void MixerLearner::train_on_batch(int u) {
  const int B = static_cast<int>(batch_);
  const MixerParams p = mixer_params();
  const bool double_q = p.td.kind == TargetKind::kGreedyDouble;
  const LearnProgram& learn = ops_.backend().learn();
  target_->forward(bx_next_, B, q_tgt_);
  if (double_q) online_->forward(bx_next_, B, q_on_);
  if (hyper_) hyper_target_->forward(bx_next_, B, h_next_);
  learn.mixer_targets(p, windows_.windows, br_, bd_, bs_, q_tgt_, double_q ? q_on_ : nullptr, h_next_, y_);
  online_->forward(bx_, B, q_x_);
  if (hyper_) hyper_->forward(bx_, B, h_);
  learn.mixer_loss(p, windows_.windows, bd_, bs_, q_x_, ba_, h_, y_, dz_, dh_, terms_);
  learn.sum_terms(terms_, windows_.windows, log_slot(u, 0));
  online_->backward(bx_, B, dz_);
  online_->adam_step();
  update_target(*target_, *online_);
  if (hyper_) {
    hyper_->backward(bx_, B, dh_);
    hyper_->adam_step();
    update_target(*hyper_target_, *hyper_);
  }
}

std::vector<std::pair<std::string, const Network*>> MixerLearner::networks() const {
  std::vector<std::pair<std::string, const Network*>> n = {{name_ + ".online", online_.get()},
                                                           {name_ + ".target", target_.get()}};
  if (hyper_) {
    n.emplace_back(name_ + ".hyper", hyper_.get());
    n.emplace_back(name_ + ".hyper_target", hyper_target_.get());
  }
  return n;
}

void MixerLearner::save(Checkpoint& ck) const {
  put_network(ck, name_ + ".online", *online_);
  put_network(ck, name_ + ".target", *target_);
  put_adam(ck, name_, *online_);
  if (hyper_) {
    put_network(ck, name_ + ".hyper", *hyper_);
    put_network(ck, name_ + ".hyper_target", *hyper_target_);
    put_adam(ck, name_ + ".hyper", *hyper_);
  }
  put_replay_counter(ck);
}

void MixerLearner::restore(const Checkpoint& ck) {
  get_network(ck, name_ + ".online", *online_);
  get_network(ck, name_ + ".target", *target_);
  get_adam(ck, name_, *online_);
  if (hyper_) {
    get_network(ck, name_ + ".hyper", *hyper_);
    get_network(ck, name_ + ".hyper_target", *hyper_target_);
    get_adam(ck, name_ + ".hyper", *hyper_);
  }
  get_replay_counter(ck);
}

void MixerLearner::init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) {
  start_pair_from(ck, prefix + ".online", path, *online_, *target_);
  if (hyper_) start_pair_from(ck, prefix + ".hyper", path, *hyper_, *hyper_target_);
}

}  // namespace myriad
