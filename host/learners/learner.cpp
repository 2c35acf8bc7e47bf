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

BatchWindows batch_windows(const TrainConfig& c, int64_t team) {
  BatchWindows w;
  if (!is_mixer(c.algorithm)) {
    w.window = c.batch;
    return w;
  }
  w.aligned = c.mixer_groups == MixerGroups::kTeam;
  w.window = w.aligned ? std::max<int64_t>(team, 1) : c.mixer_window;
  w.windows = std::max<int64_t>(1, c.batch / w.window);
  return w;
}

RowGrouping row_grouping(const TrainConfig& c, int width, int height) {
  RowGrouping g;
  if (!is_mixer(c.algorithm)) return g;
  g.mode = c.mixer_groups == MixerGroups::kTeam ? RowGrouping::kTeam : RowGrouping::kTiles;
  g.tile = static_cast<int>(c.mixer_tile);
  g.tiles_x = (width + g.tile - 1) / g.tile;
  g.tiles_y = (height + g.tile - 1) / g.tile;
  return g;
}

int64_t replay_rows(const TrainConfig& c, int64_t team) {
  if (!is_mixer(c.algorithm) || c.mixer_groups != MixerGroups::kTeam) return c.replay_capacity;
  const std::string a = algorithm_name(c.algorithm);
  if (team > kMaxTeamMixer)
    throw ConfigError(a + " over a whole team of " + std::to_string(team) + " agents: one mixer mixes at most " +
                      std::to_string(kMaxTeamMixer) + "; set mixer_groups = \"tiles\" (mixers inside map tiles of " +
                      "mixer_tile cells, summed across tiles)");
  const int64_t rows = c.replay_capacity / team * team;
  if (rows == 0)
    throw ConfigError("replay_capacity = " + std::to_string(c.replay_capacity) + " holds no whole step of the team's " +
                      std::to_string(team) + " agents; replay_capacity >= " + std::to_string(team) + " would");
  return rows;
}

LearnerBytes plan_learner_bytes(const TrainConfig& c, const MlpShape& value_shape, const ReplayShape& rs, int64_t team,
                                bool cuda) {
  LearnerBytes b;
  const size_t B = static_cast<size_t>(batch_windows(c, team).rows()), X = static_cast<size_t>(rs.input_width());
  b.rows = KeptTransitions::bytes(rs, team, c.store_fraction, row_grouping(c, 1, 1));  // bytes: the mode only
  const int slots = is_actor_critic(c.algorithm) ? ActorCriticLearner::kLogSlots
                    : is_mixer(c.algorithm)      ? MixerLearner::kLogSlots
                                                 : QLearner::kLogSlots;
  b.batch = B * (2 * X + 3) * sizeof(float) + (rs.grouped != 0 ? B : 0) + static_cast<size_t>(updates_per_episode(c)) * slots * 2 * sizeof(double) +
            (is_actor_critic(c.algorithm) ? ActorCriticLearner::scratch_bytes(c, value_shape)
             : is_mixer(c.algorithm)      ? MixerLearner::scratch_bytes(c, value_shape, team)
                                          : QLearner::scratch_bytes(c, value_shape));
  b.networks = is_actor_critic(c.algorithm) ? ActorCriticLearner::network_bytes_planned(c, value_shape, team, cuda)
               : is_mixer(c.algorithm)      ? MixerLearner::network_bytes_planned(c, value_shape, team, cuda)
                                            : QLearner::network_bytes_planned(c, value_shape, team, cuda);
  b.replay = static_cast<size_t>(c.replay_capacity) * bytes_per_transition(rs);
  return b;
}

// The rows a network holds at its largest batch (an acting chunk or the update batch), and the rows an
// acting network assembles in forward_inputs (on the CPU, and on CUDA with FP32 math on bf16 views).
size_t acting_rows(int64_t team) { return static_cast<size_t>(std::min<int64_t>(team, TeamPolicy::kForwardChunk)); }
size_t largest_rows(const TrainConfig& c, int64_t team) {
  return std::max(acting_rows(team), static_cast<size_t>(batch_windows(c, team).rows()));
}
bool assembles_rows(const TrainConfig& c, bool cuda) {
  return !cuda || (c.network_math == NetMath::kFp32 && c.obs_dtype == ObsDtype::kBf16);
}

MlpShape value_network_shape(const LearnerSetup& s) {
  return group_network_shape(s.world, s.home_group, value_input(s.cfg.algorithm),
                             std::vector<int>(s.cfg.hidden.begin(), s.cfg.hidden.end()));
}

size_t value_network_pair_bytes(const TrainConfig& c, const MlpShape& shape, int64_t team, bool cuda) {
  size_t b = 2 * network_bytes(shape, largest_rows(c, team));
  if (assembles_rows(c, cuda)) b += acting_rows(team) * static_cast<size_t>(shape.inputs) * sizeof(float);
  return b;
}

Learner::Learner(const LearnerSetup& s, const MlpShape& value_shape)
    : algo_(s.cfg.algorithm),
      name_(s.name),
      home_group_(s.home_group),
      index_(s.index),
      team_(s.world.groups().count(s.home_group)),
      batch_(batch_windows(s.cfg, team_).rows()),
      warmup_(std::max(s.cfg.warmup, batch_windows(s.cfg, team_).aligned ? team_ : 0)),
      cfg_(s.cfg),
      ops_(s.ops),
      staging_(s.staging),
      rs_{static_cast<int>(s.world.obs_layout(s.home_group).obs_stride()), s.world.obs_layout(s.home_group).n_features,
          value_shape.outputs, is_mixer(s.cfg.algorithm) ? 1 : 0},
      kept_(s.ops, rs_, team_, s.cfg.store_fraction,
            row_grouping(s.cfg, s.world.config().width, s.world.config().height)),
      windows_(batch_windows(s.cfg, team_)) {
  replay_ = std::make_unique<ReplayBuffer>(s.world.backend(), rs_, replay_rows(s.cfg, team_));
  replay_->reserve_sample(static_cast<int>(batch_));
  const size_t B = static_cast<size_t>(batch_), X = static_cast<size_t>(rs_.input_width());
  bx_ = ops_.alloc<float>(B * X);
  bx_next_ = ops_.alloc<float>(B * X);
  ba_ = ops_.alloc<int>(B);
  br_ = ops_.alloc<float>(B);
  bd_ = ops_.alloc<float>(B);
  if (rs_.grouped != 0) bs_ = ops_.alloc<uint8_t>(B);
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
  p.nearest_mean = algo_ == Algorithm::kMfqmix;
  return p;
}

namespace {
// A mixer stores each agent's own reward (its TD sums them over the group) and, mixing a whole team,
// every row of every step.
KeepParams keep_for(Algorithm a, const TrainConfig& c, KeepParams kp) {
  kp.team = !is_mixer(a) && c.reward_mode == RewardMode::kTeam;
  kp.whole_group = is_mixer(a) && c.mixer_groups == MixerGroups::kTeam;
  return kp;
}
}  // namespace

void Learner::choose_transitions(World& world, const TeamPolicy& team, const KeepParams& kp) {
  kept_.choose(world, team, value_input(algo_), keep_for(algo_, cfg_, kp), staging_);
}

void Learner::store_transitions(World& world, const TeamPolicy& team, const KeepParams& kp) {
  kept_.store(world, team, value_input(algo_), keep_for(algo_, cfg_, kp), staging_, *replay_);
}

void Learner::allocate_log() {
  log_capacity_ = updates_per_episode(cfg_);
  log_ = ops_.alloc<double>(static_cast<size_t>(log_capacity_) * static_cast<size_t>(log_slots()) * 2);
}

void Learner::update() {
  if (log_used_ >= log_capacity_) flush_log();  // only in episodes of more than kMaxLogged updates
  const uint64_t seed = cfg_.seed ^ (0x5EED5A3Full + 0x1000 * static_cast<uint64_t>(index_));
  const ReplayBatch out{bx_, bx_next_, ba_, br_, bd_, bs_};
  if (rs_.grouped != 0)
    replay_->sample_windows(static_cast<int>(windows_.windows), static_cast<int>(windows_.window), windows_.aligned, seed,
                            draws_++, out);
  else
    replay_->sample(static_cast<int>(batch_), seed, draws_++, out);
  train_on_batch(static_cast<int>(log_used_++));
}

void Learner::flush_log() {
  if (log_used_ == 0) return;
  const int k = log_slots();
  std::vector<double> h(static_cast<size_t>(log_used_) * static_cast<size_t>(k) * 2);
  ops_.to_host(h.data(), log_, h.size() * sizeof(double));
  const float inv_b = static_cast<float>(1.0 / loss_count());  // the losses are batch means
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

void Learner::start_pair_from(const Checkpoint& ck, const std::string& section, const std::string& path,
                              Network& online, Network& target) const {
  std::vector<float> p;
  try {
    p = ck.get_finite_floats(section);
  } catch (const std::exception& e) {
    throw ConfigError("init_from: " + path + ": " + e.what());
  }
  if (p.size() != online.layout().size())
    throw ConfigError("init_from: " + path + ": its network " + section + " holds " + std::to_string(p.size()) +
                      " parameters, this run's " + std::to_string(online.layout().size()));
  online.set_params(p);
  target.set_params(p);
}

void Learner::update_target(Network& target, const Network& online) const {
  if (cfg_.target_copy_every > 0) {
    if (online.step() % cfg_.target_copy_every == 0) target.copy_from(online);
  } else {
    target.soft_update_from(online, static_cast<float>(cfg_.tau));
  }
}

void Learner::put_replay_counter(Checkpoint& ck) const {
  ck.put_rng("rng." + name_ + ".replay", RngCounter{cfg_.seed, kReplayRng, draws_});
}

void Learner::get_replay_counter(const Checkpoint& ck) {
  draws_ = static_cast<uint32_t>(ck.get_rng("rng." + name_ + ".replay").counter);
}

std::unique_ptr<Learner> make_learner(const LearnerSetup& s) {
  if (is_actor_critic(s.cfg.algorithm)) return std::make_unique<ActorCriticLearner>(s);
  if (is_mixer(s.cfg.algorithm)) return std::make_unique<MixerLearner>(s);
  return std::make_unique<QLearner>(s);
}

}  // namespace myriad
