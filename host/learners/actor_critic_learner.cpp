// learners/actor_critic_learner.cpp: MF-AC and AC: an actor and a critic with target copies, their
// gradient step from the replay, and their checkpoint sections (<name>.actor, .actor_target,
// .critic, .critic_target, each online one with .adam_m, .adam_v, .adam_step).
#include <stdexcept>

#include "learners/learner_impl.hpp"
#include "myriad/rng.hpp"

namespace myriad {

namespace {

constexpr float kActorOutputScale = 0.01f;

}  // namespace

MlpShape ActorCriticLearner::actor_shape(const MlpShape& critic) {
  MlpShape a = critic;
  a.inputs = critic.inputs - critic.outputs;
  return a;
}

size_t ActorCriticLearner::scratch_bytes(const TrainConfig& c, const MlpShape& critic) {
  const size_t B = static_cast<size_t>(c.batch), K = static_cast<size_t>(critic.outputs);
  const size_t Xa = static_cast<size_t>(actor_shape(critic).inputs);
  // xa, xa′; q_tgt, π_tgt, q, logits, dq, dπ, q_on′; y, terms, pg, entropy
  return B * (2 * Xa + 7 * K + 4) * sizeof(float);
}

size_t ActorCriticLearner::network_bytes_planned(const TrainConfig& c, const MlpShape& critic, int64_t team,
                                                 bool cuda) {
  const MlpShape actor = actor_shape(critic);
  const size_t rows = largest_rows(c, team);
  size_t b = 2 * network_bytes(actor, rows) + 2 * network_bytes(critic, rows);
  if (assembles_rows(c, cuda)) b += acting_rows(team) * static_cast<size_t>(actor.inputs) * sizeof(float);
  return b;
}

ActorCriticLearner::ActorCriticLearner(const LearnerSetup& s) : Learner(s, value_network_shape(s)) {
  const MlpShape critic = value_network_shape(s), actor = actor_shape(critic);
  const NetMath math = cfg_.network_math.value_or(NetMath::kFp32);  // CUDA networks only
  const uint64_t actor_seed = seed_mix(cfg_.seed, 1 + 10 * static_cast<uint64_t>(index_));
  const uint64_t critic_seed = seed_mix(cfg_.seed, 5 + 10 * static_cast<uint64_t>(index_));
  Backend& be = ops_.backend();
  actor_ = make_network(be, actor, actor_seed, math);
  actor_target_ = make_network(be, actor, actor_seed, math);
  critic_ = make_network(be, critic, critic_seed, math);
  critic_target_ = make_network(be, critic, critic_seed, math);
  // The actor starts near the uniform policy: its output layer's He weights scaled by 1/100, so the
  // first logits are small (PPO's usual policy-head gain) and exploration does not hinge on the draw.
  std::vector<float> w = actor_->params();
  const MlpParams& lay = actor_->layout();
  const int last = actor.layers() - 1;
  for (size_t k = lay.weight_offset(last); k < lay.bias_offset(last); ++k) w[k] *= kActorOutputScale;
  actor_->set_params(w);
  configure_adam(*actor_, cfg_.actor_learning_rate());
  configure_adam(*actor_target_, cfg_.actor_learning_rate());
  configure_adam(*critic_, cfg_.lr);
  configure_adam(*critic_target_, cfg_.lr);
  actor_target_->copy_from(*actor_);
  critic_target_->copy_from(*critic_);
  const int B = static_cast<int>(batch_);
  actor_->prepare(static_cast<int>(acting_rows(team_)), B);  // acting chunks; update batches
  actor_target_->prepare(0, B);
  critic_->prepare(0, B);
  critic_target_->prepare(0, B);
  const size_t nb = static_cast<size_t>(B), K = static_cast<size_t>(critic.outputs);
  const size_t Xa = static_cast<size_t>(actor.inputs);
  xa_ = ops_.alloc<float>(nb * Xa);
  xa_next_ = ops_.alloc<float>(nb * Xa);
  q_tgt_ = ops_.alloc<float>(nb * K);
  pi_tgt_ = ops_.alloc<float>(nb * K);
  q_ = ops_.alloc<float>(nb * K);
  logits_ = ops_.alloc<float>(nb * K);
  dq_ = ops_.alloc<float>(nb * K);
  dpi_ = ops_.alloc<float>(nb * K);
  q_on_next_ = ops_.alloc<float>(nb * K);
  y_ = ops_.alloc<float>(nb);
  terms_ = ops_.alloc<float>(nb);
  pg_ = ops_.alloc<float>(nb);
  ent_ = ops_.alloc<float>(nb);
  allocate_log();
}

SelectParams ActorCriticLearner::behaviour(const SelectParams& explore) const {
  return sample_select(explore.seed, explore.step);
}

void ActorCriticLearner::train_on_batch(int u) {
  const int B = static_cast<int>(batch_);
  const int K = critic_->shape().outputs, X = critic_->shape().inputs, Xa = actor_->shape().inputs;
  const LearnProgram& learn = ops_.backend().learn();
  learn.copy_columns(bx_, X, B, Xa, xa_);
  learn.copy_columns(bx_next_, X, B, Xa, xa_next_);
  // The critic's target: y = r + γ(1−d)·v(o′), v from the target actor's π (or greedy double-Q).
  TdParams p;
  p.kind = cfg_.target_kind();
  p.n_actions = K;
  p.gamma = static_cast<float>(cfg_.gamma);
  critic_target_->forward(bx_next_, B, q_tgt_);
  const float* second = nullptr;
  if (p.kind == TargetKind::kPolicy) {
    actor_target_->forward(xa_next_, B, pi_tgt_);
    second = pi_tgt_;
  } else if (p.kind == TargetKind::kGreedyDouble) {
    critic_->forward(bx_next_, B, q_on_next_);
    second = q_on_next_;
  }
  ops_.td_targets(p, B, br_, bd_, q_tgt_, second, y_);
  const float inv_b = masked_mean_inverse(static_cast<float>(B));
  // Both losses from the networks before this step: the critic's TD, the actor's advantage from Q(o, ·).
  critic_->forward(bx_, B, q_);
  learn.td_loss(B, K, q_, ba_, y_, inv_b, dq_, terms_);
  learn.sum_terms(terms_, B, log_slot(u, 0));
  actor_->forward(xa_, B, logits_);
  PolicyLossParams pp;
  pp.n_actions = K;
  pp.entropy_coef = cfg_.entropy_weight(episode_);
  pp.weight = inv_b;
  pp.form = cfg_.actor_gradient;
  learn.policy_loss(pp, B, logits_, q_, ba_, dpi_, pg_, ent_);
  learn.sum_terms(pg_, B, log_slot(u, 1));
  learn.sum_terms(ent_, B, log_slot(u, 2));
  critic_->backward(bx_, B, dq_);
  actor_->backward(xa_, B, dpi_);
  critic_->adam_step();
  actor_->adam_step();
  if (cfg_.target_copy_every > 0) {
    if (critic_->step() % cfg_.target_copy_every == 0) {
      critic_target_->copy_from(*critic_);
      actor_target_->copy_from(*actor_);
    }
  } else {
    critic_target_->soft_update_from(*critic_, static_cast<float>(cfg_.tau));
    actor_target_->soft_update_from(*actor_, static_cast<float>(cfg_.tau));
  }
}

std::vector<std::pair<std::string, const Network*>> ActorCriticLearner::networks() const {
  return {{name_ + ".actor", actor_.get()},
          {name_ + ".actor_target", actor_target_.get()},
          {name_ + ".critic", critic_.get()},
          {name_ + ".critic_target", critic_target_.get()}};
}

void ActorCriticLearner::save(Checkpoint& ck) const {
  put_network(ck, name_ + ".actor", *actor_);
  put_network(ck, name_ + ".actor_target", *actor_target_);
  put_adam(ck, name_ + ".actor", *actor_);
  put_network(ck, name_ + ".critic", *critic_);
  put_network(ck, name_ + ".critic_target", *critic_target_);
  put_adam(ck, name_ + ".critic", *critic_);
  put_replay_counter(ck);
}

void ActorCriticLearner::restore(const Checkpoint& ck) {
  get_network(ck, name_ + ".actor", *actor_);
  get_network(ck, name_ + ".actor_target", *actor_target_);
  get_adam(ck, name_ + ".actor", *actor_);
  get_network(ck, name_ + ".critic", *critic_);
  get_network(ck, name_ + ".critic_target", *critic_target_);
  get_adam(ck, name_ + ".critic", *critic_);
  get_replay_counter(ck);
}

void ActorCriticLearner::init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) {
  start_pair_from(ck, prefix + ".actor", path, *actor_, *actor_target_);
  start_pair_from(ck, prefix + ".critic", path, *critic_, *critic_target_);
}

}  // namespace myriad
