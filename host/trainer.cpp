// trainer.cpp: Trainer construction and the episode loop: assemble [view | features | ā] rows, forward,
// select (Boltzmann or ε-greedy), opponent via world.act, step, store a sampled fraction, update.
#include "myriad/trainer.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "myriad/schedule.hpp"
#include "myriad/select.hpp"

namespace myriad {

namespace {

uint64_t mix(uint64_t x, uint64_t salt) {  // splitmix64 of (x, salt): independent stream seeds
  uint64_t z = x + 0x9E3779B97F4A7C15ull * (salt + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

WorldConfig train_world_config(const TrainConfig& c) {
  WorldConfig w = battle_config(c.agents_per_team, static_cast<int>(c.map_size));
  w.max_steps = c.max_steps;
  const std::string err = validate(w);
  if (!err.empty()) {
    std::string m = "world: " + err;  // the world's message names run's options; name our keys
    for (auto [from, to] : {std::pair<std::string, std::string>{"--map-size", "map_size"},
                            {"--agents-per-team", "agents_per_team"}, {"--steps", "max_steps"}})
      for (size_t at; (at = m.find(from)) != std::string::npos;) m.replace(at, from.size(), to);
    throw ConfigError(m);
  }
  return w;
}

Trainer::Trainer(const TrainConfig& c, BackendKind backend) : cfg_(c) {
  validate_train_config(cfg_);
  const WorldConfig wc = train_world_config(cfg_);
  if (backend == BackendKind::kAuto) backend = cuda_device_available() ? BackendKind::kCuda : BackendKind::kCpu;
  const bool cuda = backend == BackendKind::kCuda;
  world_ = make_world(backend, wc);
  ops_ = cuda ? make_cuda_trainer_ops() : make_cpu_trainer_ops();
  const GroupTable& gt = world_->groups();
  begin_ = gt.begin[0];
  count_ = gt.begin[1] - gt.begin[0];
  n_actions_ = gt.type[0].n_actions();
  n_features_ = world_->obs_layout().n_features;
  view_size_ = world_->obs_layout().obs_stride();
  src_width_ = view_size_ + n_features_ + n_actions_;

  MlpShape shape;
  shape.inputs = static_cast<int>(src_width_);
  shape.hidden.assign(cfg_.hidden.begin(), cfg_.hidden.end());
  shape.outputs = n_actions_;
  const uint64_t net_seed = mix(cfg_.seed, 1);
  online_ = cuda ? make_cuda_qnetwork(shape, net_seed) : make_cpu_qnetwork(shape, net_seed);
  target_ = cuda ? make_cuda_qnetwork(shape, net_seed) : make_cpu_qnetwork(shape, net_seed);
  for (QNetwork* n : {online_.get(), target_.get()}) {
    n->adam().lr = static_cast<float>(cfg_.lr);
    n->adam().clip_norm = static_cast<float>(cfg_.clip_norm);
  }
  target_->copy_from(*online_);
  const ReplayShape rs{static_cast<int>(view_size_), n_features_, n_actions_};
  replay_ = cuda ? make_cuda_replay(rs, cfg_.replay_capacity) : make_cpu_replay(rs, cfg_.replay_capacity);

  const size_t n = static_cast<size_t>(count_), X = static_cast<size_t>(src_width_), K = static_cast<size_t>(n_actions_);
  const size_t V = static_cast<size_t>(view_size_), F = static_cast<size_t>(n_features_);
  const size_t B = static_cast<size_t>(cfg_.batch);
  x_cur_ = ops_->alloc<float>(n * X);
  x_next_ = ops_->alloc<float>(n * X);
  q_ = ops_->alloc<float>(n * K);
  idx_ = ops_->alloc<int64_t>(n);
  st_view_ = ops_->alloc<float>(n * V);
  st_nview_ = ops_->alloc<float>(n * V);
  st_feat_ = ops_->alloc<float>(n * F);
  st_nfeat_ = ops_->alloc<float>(n * F);
  st_mean_ = ops_->alloc<float>(n * K);
  st_nmean_ = ops_->alloc<float>(n * K);
  st_reward_ = ops_->alloc<float>(n);
  st_action_ = ops_->alloc<uint8_t>(n);
  st_done_ = ops_->alloc<uint8_t>(n);
  bx_ = ops_->alloc<float>(B * X);
  bx_next_ = ops_->alloc<float>(B * X);
  ba_ = ops_->alloc<int>(B);
  br_ = ops_->alloc<float>(B);
  bd_ = ops_->alloc<float>(B);
  q_tgt_ = ops_->alloc<float>(B * K);
  q_on_ = ops_->alloc<float>(B * K);
  y_ = ops_->alloc<float>(B);
  h_alive_.resize(n);
  h_action_.resize(n);
  h_died_.resize(n);
  h_done_.resize(n);
  h_reward_.resize(n);
  h_q_.resize(n * K);
  h_idx_.reserve(n);
}

Trainer::~Trainer() = default;

float Trainer::exploration_value(int64_t episode) const {
  if (cfg_.exploration == "epsilon")
    return linear_schedule(static_cast<float>(cfg_.epsilon_start), static_cast<float>(cfg_.epsilon_end),
                           cfg_.anneal_episodes).value(episode);
  return exponential_schedule(static_cast<float>(cfg_.temperature_start), static_cast<float>(cfg_.temperature_end),
                              cfg_.anneal_episodes).value(episode);
}

NetInputSource Trainer::source() const {
  WorldBuffers b = world_->buffers();
  NetInputSource s;
  s.obs_f32 = b.obs_f32;
  s.obs_bf16 = b.obs_bf16;
  s.features = b.features;
  s.mean_action = cfg_.algorithm == "mfq" ? b.mean_action : nullptr;
  s.view_size = view_size_;
  s.n_features = n_features_;
  s.k_stride = world_->mean_params().k_stride;
  s.n_mean = n_actions_;
  return s;
}

void Trainer::assemble(float* x) {
  world_->synchronize();
  const NetInputSource s = source();
  ops_->net_input(s, begin_, nullptr, count_, row_dest(x, s));
  ops_->synchronize();
}

std::vector<float> Trainer::assemble_inputs_host() {
  assemble(x_next_);
  std::vector<float> h(static_cast<size_t>(count_ * src_width_));
  ops_->to_host(h.data(), x_next_, h.size() * sizeof(float));
  return h;
}

// Forward on x_cur, the opponent's actions (world.act), then the learner's over its own rows.
void Trainer::act(float* q_mean_out, bool want_q) {
  online_->forward(x_cur_, static_cast<int>(count_), q_);
  online_->synchronize();
  std::vector<PolicySpec> pol(2);
  pol[0].kind = PolicyKind::kNoop;
  pol[1].kind = cfg_.opponent == "scripted" ? PolicyKind::kScripted : PolicyKind::kRandom;
  world_->act(pol);
  world_->synchronize();
  SelectParams sp;
  sp.mode = cfg_.exploration == "epsilon" ? SelectMode::kEpsilonGreedy : SelectMode::kBoltzmann;
  sp.n_actions = sp.stride = n_actions_;
  sp.temperature = sp.epsilon = exploration_value(episode_);
  if (sp.mode == SelectMode::kBoltzmann) sp.epsilon = 0.0f;
  sp.seed = mix(cfg_.seed, 2);
  sp.step = static_cast<uint32_t>(env_steps_);
  WorldBuffers b = world_->buffers();
  if (ops_->on_device()) select_actions_cuda(sp, q_, count_, nullptr, b.action + begin_);
  else select_actions_cpu(sp, q_, count_, nullptr, b.action + begin_);
  ops_->synchronize();
  ops_->to_host(h_alive_.data(), b.alive + begin_, h_alive_.size());
  ops_->to_host(h_action_.data(), b.action + begin_, h_action_.size());
  if (want_q) {
    ops_->to_host(h_q_.data(), q_, h_q_.size() * sizeof(float));
    double sum = 0;
    int64_t alive = 0;
    for (int64_t r = 0; r < count_; ++r) {
      if (!h_alive_[static_cast<size_t>(r)]) continue;
      const float* row = h_q_.data() + r * n_actions_;
      sum += row[argmax(row, n_actions_)];
      ++alive;
    }
    *q_mean_out = alive > 0 ? static_cast<float>(sum / static_cast<double>(alive)) : 0.0f;
  }
}

// After the step: x_next holds (o′, features′, ā′); keeps a sampled fraction of the agents alive at t.
void Trainer::store_transitions(bool terminal_all) {
  WorldBuffers b = world_->buffers();
  ops_->to_host(h_reward_.data(), b.reward + begin_, h_reward_.size() * sizeof(float));
  ops_->to_host(h_died_.data(), b.died + begin_, h_died_.size());
  h_idx_.clear();
  const uint64_t keep_seed = mix(cfg_.seed, 3);
  std::vector<float> rew;
  std::vector<uint8_t> act, done;
  for (int64_t r = 0; r < count_; ++r) {
    const size_t k = static_cast<size_t>(r);
    if (!h_alive_[k]) continue;
    if (!keep_transition(keep_seed, static_cast<uint32_t>(env_steps_), static_cast<uint32_t>(begin_ + r),
                         static_cast<float>(cfg_.store_fraction)))
      continue;
    h_idx_.push_back(r);
    rew.push_back(h_reward_[k]);
    act.push_back(h_action_[k]);
    done.push_back(h_died_[k] || terminal_all ? 1 : 0);
  }
  const int64_t m = static_cast<int64_t>(h_idx_.size());
  if (m == 0) return;
  ops_->from_host(idx_, h_idx_.data(), static_cast<size_t>(m) * sizeof(int64_t));
  ops_->from_host(st_reward_, rew.data(), rew.size() * sizeof(float));
  ops_->from_host(st_action_, act.data(), act.size());
  ops_->from_host(st_done_, done.data(), done.size());
  ops_->gather_split(x_cur_, view_size_, n_features_, n_actions_, idx_, m, st_view_, st_feat_, st_mean_);
  ops_->gather_split(x_next_, view_size_, n_features_, n_actions_, idx_, m, st_nview_, st_nfeat_, st_nmean_);
  TransitionBatch tb{m, st_view_, st_feat_, st_action_, st_mean_, st_reward_, st_done_, st_nview_, st_nfeat_, st_nmean_};
  replay_->append(tb);
  ops_->synchronize();
}

EpisodeMetrics Trainer::run_episode() {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  EpisodeMetrics m;
  m.episode = episode_;
  m.temperature = exploration_value(episode_);
  world_->reset(mix(cfg_.seed, 100 + static_cast<uint64_t>(episode_)));
  assemble(x_cur_);
  double loss_sum = 0, q_sum = 0, agent_steps = 0;
  int64_t q_count = 0, n_updates = 0;
  m.first_loss = std::numeric_limits<double>::quiet_NaN();
  while (!world_->done()) {
    const bool want_q = env_steps_ % cfg_.update_every == 0;
    float q_mean = 0;
    agent_steps += static_cast<double>(world_->last_stats().alive[0] + world_->last_stats().alive[1]);
    act(&q_mean, want_q);
    if (want_q) q_sum += q_mean, ++q_count;
    const StepStats& st = world_->step();
    world_->synchronize();
    for (int g = 0; g < 2; ++g) {
      m.team_return[g] += st.reward(g);
      m.kills[g] += st.kills[g];
    }
    assemble(x_next_);
    store_transitions(st.done);
    std::swap(x_cur_, x_next_);
    ++env_steps_;
    ++m.steps;
    if (env_steps_ % cfg_.update_every == 0 && replay_->size() >= cfg_.warmup) {
      for (int64_t u = 0; u < cfg_.updates_per_step; ++u) {
        const float l = update();
        if (n_updates == 0) m.first_loss = l;
        loss_sum += l;
        ++n_updates;
      }
    }
  }
  const GroupTable& gt = world_->groups();
  for (int g = 0; g < 2; ++g) {
    m.survivors[g] = world_->last_stats().alive[g];
    m.per_agent_return[g] = m.team_return[g] / static_cast<double>(gt.begin[g + 1] - gt.begin[g]);
  }
  m.updates = n_updates;
  m.loss = n_updates > 0 ? loss_sum / static_cast<double>(n_updates) : std::numeric_limits<double>::quiet_NaN();
  m.mean_q = q_count > 0 ? q_sum / static_cast<double>(q_count) : 0.0;
  m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  m.agent_steps_per_s = m.seconds > 0 ? agent_steps / m.seconds : 0.0;
  ++episode_;
  return m;
}

}  // namespace myriad
