// trainer_learn.cpp: the Trainer's gradient step (sample, TD targets from the target network, backward,
// Adam, soft update) and its checkpoint: networks, Adam state, counters and RNG counters.
#include <stdexcept>

#include "myriad/trainer.hpp"

namespace myriad {

namespace {
constexpr uint32_t kSelectRng = 1, kReplayRng = 2, kKeepRng = 3;
}

float Trainer::update() {
  const int B = static_cast<int>(cfg_.batch);
  replay_->sample(B, cfg_.seed ^ 0x5EED5A3Full, draws_++, ReplayBatch{bx_, bx_next_, ba_, br_, bd_});
  ops_->synchronize();
  TdParams p;
  p.kind = cfg_.target == "greedy_double" ? TargetKind::kGreedyDouble : TargetKind::kBoltzmann;
  p.n_actions = n_actions_;
  p.gamma = static_cast<float>(cfg_.gamma);
  p.temperature = static_cast<float>(cfg_.target_temperature);
  target_->forward(bx_next_, B, q_tgt_);
  target_->synchronize();
  if (p.kind == TargetKind::kGreedyDouble) {
    online_->forward(bx_next_, B, q_on_);
    online_->synchronize();
  }
  ops_->td_targets(p, B, br_, bd_, q_tgt_, p.kind == TargetKind::kGreedyDouble ? q_on_ : nullptr, y_);
  ops_->synchronize();
  const float loss = online_->backward_td(bx_, B, ba_, y_, nullptr);
  online_->adam_step();
  target_->soft_update_from(*online_, static_cast<float>(cfg_.tau));
  target_->synchronize();
  ++updates_;
  losses_.push_back(loss);
  return loss;
}

Checkpoint Trainer::checkpoint() const {
  Checkpoint ck;
  ck.header.algorithm = cfg_.algorithm;
  const MlpShape& s = online_->shape();
  ck.header.network_shape.push_back(s.inputs);
  for (int h : s.hidden) ck.header.network_shape.push_back(h);
  ck.header.network_shape.push_back(s.outputs);
  ck.header.episode = episode_;
  ck.header.env_steps = env_steps_;
  ck.header.updates = updates_;
  ck.header.seed = cfg_.seed;
  ck.header.config_toml = to_toml(cfg_);
  ck.put_floats("red.online", online_->params());
  ck.put_floats("red.target", target_->params());
  ck.put_floats("red.adam_m", online_->adam_m());
  ck.put_floats("red.adam_v", online_->adam_v());
  ck.put_u64("red.adam_step", static_cast<uint64_t>(online_->step()));
  ck.put_u64("episode", static_cast<uint64_t>(episode_));
  ck.put_u64("env_steps", static_cast<uint64_t>(env_steps_));
  ck.put_u64("updates", static_cast<uint64_t>(updates_));
  // Counter-based draws: selection counter = env step, keep counter = env step, replay counter = draws.
  ck.put_rng("rng.select", RngCounter{cfg_.seed, kSelectRng, static_cast<uint64_t>(env_steps_)});
  ck.put_rng("rng.keep", RngCounter{cfg_.seed, kKeepRng, static_cast<uint64_t>(env_steps_)});
  ck.put_rng("rng.replay", RngCounter{cfg_.seed, kReplayRng, draws_});
  return ck;
}

void Trainer::restore(const Checkpoint& ck) {
  if (ck.header.algorithm != cfg_.algorithm)
    throw std::runtime_error("checkpoint: algorithm " + ck.header.algorithm + ", this run " + cfg_.algorithm);
  const std::vector<float> p = ck.get_floats("red.online");
  if (p.size() != online_->layout().size())
    throw std::runtime_error("checkpoint: network has " + std::to_string(p.size()) + " parameters, this run " +
                             std::to_string(online_->layout().size()) + " (different world or hidden sizes?)");
  online_->set_params(p);
  target_->set_params(ck.get_floats("red.target"));
  online_->set_adam_state(ck.get_floats("red.adam_m"), ck.get_floats("red.adam_v"),
                          static_cast<int64_t>(ck.get_u64("red.adam_step")));
  episode_ = static_cast<int64_t>(ck.get_u64("episode"));
  env_steps_ = static_cast<int64_t>(ck.get_u64("env_steps"));
  updates_ = static_cast<int64_t>(ck.get_u64("updates"));
  draws_ = static_cast<uint32_t>(ck.get_rng("rng.replay").counter);
}

}  // namespace myriad
