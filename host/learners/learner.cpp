// learners/learner.cpp: what every learner shares: its replay and kept transitions, the sampled batch,
// the loss log read back once an episode, checkpoint helpers, and the choice of implementation.
#include "myriad/learner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "learners/learner_impl.hpp"

namespace myriad {

namespace {
constexpr uint32_t kReplayRng = 2;
// Counters far above any real run would wrap when signed: 2^48 leaves every real value.
constexpr uint64_t kMaxCount = uint64_t{1} << 48;
}  // namespace

int64_t updates_per_episode(const TrainConfig& c) {
  const int64_t steps = (c.max_steps + c.update_every - 1) / c.update_every + 1;
  const int64_t u = std::max<int64_t>(c.updates_per_step, 1);
  return steps > kMaxLogged / u ? kMaxLogged : steps * u;  // steps, u >= 1: at least one slot
}

LearnerBytes plan_learner_bytes(const TrainConfig& c, const MlpShape& value_shape, const ReplayShape& rs, int64_t team,
                                bool cuda) {
  LearnerBytes b;
  const size_t B = static_cast<size_t>(c.batch), X = static_cast<size_t>(rs.input_width());
  b.rows = KeptTransitions::bytes(rs, team, c.store_fraction);
  const int slots = is_actor_critic(c.algorithm) ? ActorCriticLearner::kLogSlots : QLearner::kLogSlots;
  b.batch = B * (2 * X + 3) * sizeof(float) + static_cast<size_t>(updates_per_episode(c)) * slots * 2 * sizeof(double) +
            (is_actor_critic(c.algorithm) ? ActorCriticLearner::scratch_bytes(c, value_shape)
                                          : QLearner::scratch_bytes(c, value_shape));
  b.networks = is_actor_critic(c.algorithm) ? ActorCriticLearner::network_bytes_planned(c, value_shape, team, cuda)
                                            : QLearner::network_bytes_planned(c, value_shape, team, cuda);
  b.replay = static_cast<size_t>(c.replay_capacity) * bytes_per_transition(rs);
  return b;
}

// The rows a network holds at its largest batch (an acting chunk or the update batch), and the rows an
// acting network assembles in forward_inputs (on the CPU, and on CUDA with FP32 math on bf16 views).
size_t acting_rows(int64_t team) { return static_cast<size_t>(std::min<int64_t>(team, TeamPolicy::kForwardChunk)); }
size_t largest_rows(const TrainConfig& c, int64_t team) { return std::max(acting_rows(team), static_cast<size_t>(c.batch)); }
bool assembles_rows(const TrainConfig& c, bool cuda) {
  return !cuda || (c.network_math == NetMath::kFp32 && c.obs_dtype == ObsDtype::kBf16);
}

Learner::Learner(const LearnerSetup& s, const MlpShape& value_shape)
    : algo_(s.cfg.algorithm),
      name_(s.name),
      home_group_(s.home_group),
      index_(s.index),
      team_(s.world.groups().count(s.home_group)),
      batch_(s.cfg.batch),
      warmup_(s.cfg.warmup),
      cfg_(s.cfg),
      ops_(s.ops),
      staging_(s.staging),
      rs_{static_cast<int>(s.world.obs_layout(s.home_group).obs_stride()), s.world.obs_layout(s.home_group).n_features,
          value_shape.outputs},
      kept_(s.ops, rs_, team_, s.cfg.store_fraction) {
  replay_ = std::make_unique<ReplayBuffer>(s.world.backend(), rs_, s.cfg.replay_capacity);
  replay_->reserve_sample(static_cast<int>(batch_));
  const size_t B = static_cast<size_t>(batch_), X = static_cast<size_t>(rs_.input_width());
  bx_ = ops_.alloc<float>(B * X);
  bx_next_ = ops_.alloc<float>(B * X);
  ba_ = ops_.alloc<int>(B);
  br_ = ops_.alloc<float>(B);
  bd_ = ops_.alloc<float>(B);
}

Learner::~Learner() = default;

PlayedNetwork Learner::copy_acting() const {
  PlayedNetwork p;
  const Network& a = acting_network();
  p.net = make_network(ops_.backend(), a.shape(), 0, cfg_.network_math.value_or(NetMath::kFp32));
  p.net->prepare(static_cast<int>(std::min<int64_t>(team_, TeamPolicy::kForwardChunk)), 0);
  p.net->copy_from(a);
  p.input = acting_input();
  p.actor = has_actor();
  return p;
}

void Learner::choose_transitions(World& world, const TeamPolicy& team, const KeepParams& kp) {
  kept_.choose(world, team, value_input(algo_), kp, staging_);
}

void Learner::store_transitions(World& world, const TeamPolicy& team, const KeepParams& kp) {
  kept_.store(world, team, value_input(algo_), kp, staging_, *replay_);
}

void Learner::allocate_log() {
  log_capacity_ = updates_per_episode(cfg_);
  log_ = ops_.alloc<double>(static_cast<size_t>(log_capacity_) * static_cast<size_t>(log_slots()) * 2);
}

void Learner::update() {
  if (log_used_ >= log_capacity_) flush_log();  // only in episodes of more than kMaxLogged updates
  const uint64_t seed = cfg_.seed ^ (0x5EED5A3Full + 0x1000 * static_cast<uint64_t>(index_));
  replay_->sample(static_cast<int>(batch_), seed, draws_++, ReplayBatch{bx_, bx_next_, ba_, br_, bd_});
  train_on_batch(static_cast<int>(log_used_++));
}

void Learner::flush_log() {
  if (log_used_ == 0) return;
  const int k = log_slots();
  std::vector<double> h(static_cast<size_t>(log_used_) * static_cast<size_t>(k) * 2);
  ops_.to_host(h.data(), log_, h.size() * sizeof(double));
  const float inv_b = 1.0f / static_cast<float>(batch_);  // the losses are batch means
  for (int64_t u = 0; u < log_used_; ++u) {
    const double* row = h.data() + static_cast<size_t>(u) * static_cast<size_t>(k) * 2;
    const float loss = static_cast<float>(row[0] * static_cast<double>(inv_b));
    episode_log_.losses.push_back(loss);
    sums_[0] += loss;
    for (int j = 1; j < k && j < 3; ++j) sums_[j] += row[2 * j] / std::max(row[2 * j + 1], 1.0);
  }
  log_used_ = 0;
}

LearnerEpisode Learner::end_episode() {
  flush_log();
  LearnerEpisode e = std::move(episode_log_);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  e.updates = static_cast<int64_t>(e.losses.size());
  e.loss = e.first_loss = e.actor_loss = e.entropy = nan;
  if (e.updates > 0) {
    const double n = static_cast<double>(e.updates);
    e.first_loss = e.losses.front();
    e.loss = sums_[0] / n;
    if (log_slots() >= 3) {
      e.actor_loss = sums_[1] / n;
      e.entropy = sums_[2] / n;
    }
  }
  episode_log_ = LearnerEpisode{};
  sums_[0] = sums_[1] = sums_[2] = 0;
  return e;
}

void Learner::configure_adam(Network& net, double lr) const {
  net.adam().lr = static_cast<float>(lr);
  net.adam().clip_norm = static_cast<float>(cfg_.clip_norm);
}

void Learner::put_network(Checkpoint& ck, const std::string& section, const Network& net) const {
  ck.put_floats(section, net.params());
}

void Learner::put_adam(Checkpoint& ck, const std::string& prefix, const Network& net) const {
  ck.put_floats(prefix + ".adam_m", net.adam_m());
  ck.put_floats(prefix + ".adam_v", net.adam_v());
  ck.put_u64(prefix + ".adam_step", static_cast<uint64_t>(net.step()));
}

void Learner::get_network(const Checkpoint& ck, const std::string& section, Network& net) const {
  const std::vector<float> w = ck.get_finite_floats(section);
  if (w.size() != net.layout().size())
    throw std::runtime_error("checkpoint: network " + section + " has " + std::to_string(w.size()) +
                             " parameters, this run " + std::to_string(net.layout().size()) +
                             " (different world or hidden sizes?)");
  net.set_params(w);
}

void Learner::get_adam(const Checkpoint& ck, const std::string& prefix, Network& net) const {
  const std::vector<float> m = ck.get_finite_floats(prefix + ".adam_m"), v = ck.get_finite_floats(prefix + ".adam_v");
  for (float x : v)
    if (x < 0) throw std::runtime_error("checkpoint: section " + prefix + ".adam_v holds a negative second moment");
  net.set_adam_state(m, v, static_cast<int64_t>(ck.get_count(prefix + ".adam_step", kMaxCount)));
}

void Learner::put_replay_counter(Checkpoint& ck) const {
  ck.put_rng("rng." + name_ + ".replay", RngCounter{cfg_.seed, kReplayRng, draws_});
}

void Learner::get_replay_counter(const Checkpoint& ck) {
  draws_ = static_cast<uint32_t>(ck.get_rng("rng." + name_ + ".replay").counter);
}

std::unique_ptr<Learner> make_learner(const LearnerSetup& s) {
  if (is_actor_critic(s.cfg.algorithm)) return std::make_unique<ActorCriticLearner>(s);
  return std::make_unique<QLearner>(s);
}

}  // namespace myriad
