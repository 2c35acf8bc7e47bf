// trainer.cpp: Trainer construction (world, learners, opponent, memory check) and the episode loop:
// world policies and network teams act, the world steps, learners store a sampled fraction of their
// transitions and update every U steps; metrics by role (learner, opponent) and phase times.
#include "myriad/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "myriad/games/game.hpp"
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

// Whether the two groups of w need networks of different shapes (the trainer swaps one network between them).
bool group_network_shape_differs(const WorldConfig& w) {
  if (w.n_groups() != 2) return true;
  const TypeParams a = make_type_params(w.groups[0].type), b = make_type_params(w.groups[1].type);
  return a.n_actions() != b.n_actions() || a.view_side != b.view_side || w.groups[0].count != w.groups[1].count;
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

const char* train_phase_name(TrainPhase p) {
  switch (p) {
    case TrainPhase::kIndex: return "index";
    case TrainPhase::kMeanAction: return "mean_action";
    case TrainPhase::kObserve: return "observe";
    case TrainPhase::kForward: return "forward";
    case TrainPhase::kSelect: return "select";
    case TrainPhase::kRules: return "rules";
    case TrainPhase::kReplay: return "replay";
    case TrainPhase::kUpdate: return "update";
    case TrainPhase::kCount: break;
  }
  return "?";
}

WorldConfig train_world_config(const TrainConfig& c) {
  WorldConfig w;
  try {
    GameSize size;
    size.map_size = c.map_size > 0 ? static_cast<int>(c.map_size) : 0;
    size.agents_per_team = c.agents_per_team > 0 ? c.agents_per_team : 0;
    w = game_config(parse_scenario(c.scenario), size);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("world: ") + e.what());
  }
  w.max_steps = c.max_steps;
  w.minimap = c.minimap;
  w.obs_dtype = c.obs_dtype == "bf16" ? ObsDtype::kBf16 : ObsDtype::kF32;
  const std::string err = validate(w);
  if (!err.empty()) throw ConfigError("world: " + err);
  if (w.n_groups() != 2 || group_network_shape_differs(w))
    throw ConfigError("scenario: the trainer plays games of two teams of one agent type (battle, battlefield); " +
                      std::string(scenario_name(w.scenario)) + " has " + std::to_string(w.n_groups()) +
                      " groups of different types");
  return w;
}

Trainer::Trainer(const TrainConfig& c, BackendKind backend) : Trainer(c, make_backend(backend)) {}

Trainer::Trainer(const TrainConfig& c, std::shared_ptr<Backend> backend) : cfg_(c), backend_(std::move(backend)) {
  validate_train_config(cfg_);
  const WorldConfig wc = train_world_config(cfg_);
  const bool cuda = backend_->on_device();
  world_ = std::make_unique<World>(backend_, wc);
  ops_ = std::make_unique<TrainerOps>(*backend_);
  const bool mfq = cfg_.algorithm == "mfq";
  const ObsLayout& obs = world_->obs_layout(0);
  const MlpShape shape = group_network_shape(*world_, 0, std::vector<int>(cfg_.hidden.begin(), cfg_.hidden.end()));
  check_memory(shape, cuda);  // before the first of the trainer's own allocations
  const NetMath math = cfg_.network_math == "tf32" ? NetMath::kTf32 : NetMath::kFp32;  // CUDA networks only
  for (int g = 0; g < 2; ++g) policy_[g] = std::make_unique<TeamPolicy>(*world_, *ops_, g, mfq);
  if (policy_[0]->width() != shape.inputs || policy_[0]->count() != policy_[1]->count())
    throw std::logic_error("Trainer: the teams' input widths or sizes differ from the network's");
  const int n_learners = cfg_.opponent == "both_learn" ? 2 : 1;
  const ReplayShape rs{static_cast<int>(obs.obs_stride()), obs.n_features, shape.outputs};
  for (int i = 0; i < n_learners; ++i) {
    Learner l;
    const uint64_t net_seed = mix(cfg_.seed, 1 + 10 * static_cast<uint64_t>(i));
    l.online = make_qnetwork(*backend_, shape, net_seed, math);
    l.target = make_qnetwork(*backend_, shape, net_seed, math);
    for (QNetwork* n : {l.online.get(), l.target.get()}) {
      n->adam().lr = static_cast<float>(cfg_.lr);
      n->adam().clip_norm = static_cast<float>(cfg_.clip_norm);
    }
    l.target->copy_from(*l.online);
    const int chunk = static_cast<int>(std::min<int64_t>(policy_[0]->count(), TeamPolicy::kForwardChunk));
    l.online->prepare(chunk, static_cast<int>(cfg_.batch));  // acting chunks; update and double-Q batches
    l.target->prepare(0, static_cast<int>(cfg_.batch));
    l.replay = std::make_unique<ReplayBuffer>(*backend_, rs, cfg_.replay_capacity);
    l.replay->reserve_sample(static_cast<int>(cfg_.batch));
    const size_t cap = static_cast<size_t>(kept_capacity(policy_[0]->count(), cfg_.store_fraction));
    l.idx = ops_->alloc<int64_t>(static_cast<size_t>(policy_[0]->count()));  // the compaction writes up to a team
    l.o_view = ops_->alloc<float>(cap * static_cast<size_t>(rs.view_size));
    l.o_feat = ops_->alloc<float>(cap * static_cast<size_t>(rs.n_features));
    l.o_mean = ops_->alloc<float>(cap * static_cast<size_t>(rs.n_actions));
    learners_.push_back(std::move(l));
  }
  if (!cfg_.init_from.empty()) init_networks_from(cfg_.init_from);  // before the lagged opponent copies it
  if (cfg_.opponent == "selfplay_lagged") {
    opponent_net_ = make_qnetwork(*backend_, shape, 0, math);
    opponent_net_->prepare(static_cast<int>(std::min<int64_t>(policy_[0]->count(), TeamPolicy::kForwardChunk)), 0);
    opponent_net_->copy_from(*learners_[0].online);
    opponent_uses_mean_ = mfq;
  } else if (cfg_.opponent == "frozen") {
    opponent_net_ = make_qnetwork(*backend_, shape, 0, math);
    opponent_net_->prepare(static_cast<int>(std::min<int64_t>(policy_[0]->count(), TeamPolicy::kForwardChunk)), 0);
    load_opponent(cfg_.opponent_checkpoint);
  }

  const size_t n = static_cast<size_t>(policy_[0]->count()), X = static_cast<size_t>(shape.inputs);
  const size_t K = static_cast<size_t>(shape.outputs), V = static_cast<size_t>(rs.view_size);
  const size_t F = static_cast<size_t>(rs.n_features), B = static_cast<size_t>(cfg_.batch);
  const size_t S = static_cast<size_t>(staging_rows());
  ops_->reserve_compaction(static_cast<int64_t>(n));
  st_nview_ = ops_->alloc<float>(S * V);
  st_nfeat_ = ops_->alloc<float>(S * F);
  st_nmean_ = ops_->alloc<float>(S * K);
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
}

Trainer::~Trainer() = default;

int64_t Trainer::input_width() const { return policy_[0]->width(); }

int Trainer::learner_group(int64_t episode) const { return cfg_.swap_sides ? static_cast<int>(episode % 2) : 0; }

float Trainer::exploration_value(int64_t episode) const {
  if (cfg_.exploration == "epsilon")
    return linear_schedule(static_cast<float>(cfg_.epsilon_start), static_cast<float>(cfg_.epsilon_end),
                           cfg_.anneal_episodes).value(episode);
  return exponential_schedule(static_cast<float>(cfg_.temperature_start), static_cast<float>(cfg_.temperature_end),
                              cfg_.anneal_episodes).value(episode);
}

SelectParams Trainer::explore_params(uint64_t salt) const {
  SelectParams sp;
  sp.mode = cfg_.exploration == "epsilon" ? SelectMode::kEpsilonGreedy : SelectMode::kBoltzmann;
  sp.temperature = sp.epsilon = exploration_value(episode_);
  if (sp.mode == SelectMode::kBoltzmann) sp.epsilon = 0.0f;
  sp.seed = mix(cfg_.seed, 2 + 10 * salt);
  sp.step = static_cast<uint32_t>(env_steps_);
  return sp;
}

int64_t kept_capacity(int64_t team, double f) {
  const double n = static_cast<double>(team);
  const double cap = std::ceil(f * n + 8.0 * std::sqrt(n * f * (1.0 - f)) + 1024.0);
  return cap >= n ? team : static_cast<int64_t>(cap);
}

// Red's rows, assembled chunk by chunk in the replay staging (split view / features / ā) and
// interleaved on the host.
std::vector<float> Trainer::assemble_inputs_host() {
  world_->synchronize();
  const TeamPolicy& pol = *policy_[0];
  const NetInputSource s = pol.source();
  const int64_t V = s.view_size, F = s.n_features, K = s.n_mean, W = s.width(), S = staging_rows();
  std::vector<float> h(static_cast<size_t>(pol.count() * W)), v, f, m;
  for (int64_t r0 = 0; r0 < pol.count(); r0 += S) {
    const int64_t c = std::min(S, pol.count() - r0);
    ops_->net_input(s, r0, nullptr, c, NetInputDest{st_nview_, V, st_nfeat_, F, st_nmean_, K});
    v.resize(static_cast<size_t>(c * V));
    f.resize(static_cast<size_t>(c * F));
    m.resize(static_cast<size_t>(c * K));
    ops_->to_host(v.data(), st_nview_, v.size() * sizeof(float));
    ops_->to_host(f.data(), st_nfeat_, f.size() * sizeof(float));
    ops_->to_host(m.data(), st_nmean_, m.size() * sizeof(float));
    for (int64_t r = 0; r < c; ++r) {
      float* row = h.data() + (r0 + r) * W;
      std::copy_n(v.data() + r * V, V, row);
      std::copy_n(f.data() + r * F, F, row + V);
      std::copy_n(m.data() + r * K, K, row + V + F);
    }
  }
  return h;
}

int64_t Trainer::staging_rows() const { return std::min<int64_t>(policy_[0]->count(), cfg_.store_chunk); }

void Trainer::lap(TrainPhase p) { times_.ms[static_cast<int>(p)] += tick(); }

double Trainer::tick() {
  if (!timing_) return 0.0;
  ops_->synchronize();
  world_->synchronize();
  const double t = now_ms(), dt = t - tick_t0_;
  tick_t0_ = t;
  return dt;
}

void Trainer::begin_episode() {
  const int lg = learner_group(episode_);
  const bool opp_net = cfg_.opponent == "frozen" || cfg_.opponent == "selfplay_lagged";
  ctl_[lg] = Controller{0, false, PolicyKind::kNoop};
  Controller& o = ctl_[1 - lg];
  o = Controller{};
  if (cfg_.opponent == "both_learn") o.learner = 1;
  else if (opp_net) o.opponent_net = true;
  else o.world_policy = cfg_.opponent == "scripted" ? PolicyKind::kScripted : PolicyKind::kRandom;
  const bool mfq = cfg_.algorithm == "mfq";
  for (int g = 0; g < 2; ++g) policy_[g]->set_use_mean_action(ctl_[g].opponent_net ? opponent_uses_mean_ : mfq);

  cur_ = EpisodeMetrics{};
  cur_.episode = episode_;
  cur_.learner_group = lg;
  cur_.temperature = exploration_value(episode_);
  cur_.first_loss = std::numeric_limits<double>::quiet_NaN();
  loss_sum_ = q_sum_ = agent_steps_ = seconds_ = 0;
  q_count_ = n_updates_ = 0;
  world_->set_phase_timing(timing_);
  world_->reset(mix(cfg_.seed, 100 + static_cast<uint64_t>(episode_)));
  world_->synchronize();
  in_episode_ = true;
}

bool Trainer::step_once() {
  const double t_start = now_ms();
  times_ = TrainStepTimes{};
  tick();
  const int lg = cur_.learner_group;
  agent_steps_ += static_cast<double>(world_->last_stats().alive[0] + world_->last_stats().alive[1]);
  if (ctl_[0].world_policy != PolicyKind::kNoop || ctl_[1].world_policy != PolicyKind::kNoop) {
    std::vector<PolicySpec> pol(2);
    for (int g = 0; g < 2; ++g) pol[static_cast<size_t>(g)].kind = ctl_[g].world_policy;
    NvtxRange r("policy");
    world_->act(pol);  // every agent's action (stay for the network teams); the teams' selection follows
  }
  lap(TrainPhase::kSelect);
  for (int g = 0; g < 2; ++g) {
    const Controller& c = ctl_[g];
    if (c.learner < 0 && !c.opponent_net) continue;
    QNetwork& net = c.learner >= 0 ? *learners_[static_cast<size_t>(c.learner)].online : *opponent_net_;
    {
      NvtxRange r("forward");
      policy_[g]->forward(net);
    }
    lap(TrainPhase::kForward);
    {
      NvtxRange r("select");
      const bool greedy = c.opponent_net && cfg_.opponent == "frozen";
      policy_[g]->select(greedy ? greedy_select(0, 0) : explore_params(static_cast<uint64_t>(g)));
      if (g == lg && env_steps_ % cfg_.update_every == 0) q_sum_ += policy_[g]->mean_max_q(), ++q_count_;
    }
    lap(TrainPhase::kSelect);
  }
  for (int g = 0; g < 2; ++g) {
    if (ctl_[g].learner < 0) continue;
    NvtxRange r("replay");
    gather_kept(learners_[static_cast<size_t>(ctl_[g].learner)], *policy_[g]);
    lap(TrainPhase::kReplay);
  }
  const StepStats& st = world_->step();
  tick();
  if (timing_) {
    const PhaseTimes& w = world_->last_phase_times();
    times_.ms[static_cast<int>(TrainPhase::kIndex)] += w.ms[static_cast<int>(Phase::kIndex)];
    times_.ms[static_cast<int>(TrainPhase::kMeanAction)] += w.ms[static_cast<int>(Phase::kMeanAction)];
    times_.ms[static_cast<int>(TrainPhase::kObserve)] += w.ms[static_cast<int>(Phase::kObserve)];
    for (Phase p : {Phase::kAttack, Phase::kRecovery, Phase::kMove, Phase::kReward, Phase::kStats, Phase::kPolicy})
      times_.ms[static_cast<int>(TrainPhase::kRules)] += w.ms[static_cast<int>(p)];
  }
  for (int role = 0; role < 2; ++role) {
    const int g = role == 0 ? lg : 1 - lg;
    cur_.team_return[role] += st.reward(g);
    cur_.kills[role] += st.kills[g];
  }
  for (int g = 0; g < 2; ++g) {
    if (ctl_[g].learner < 0) continue;
    NvtxRange r("replay");
    store(ctl_[g].learner, *policy_[g], st.done);
    lap(TrainPhase::kReplay);
  }
  ++env_steps_;
  ++cur_.steps;
  if (env_steps_ % cfg_.update_every == 0) {
    NvtxRange r("update");
    for (Learner& l : learners_) {
      if (l.replay->size() < cfg_.warmup) continue;
      for (int64_t u = 0; u < cfg_.updates_per_step; ++u) {
        const float loss = update(l);
        if (&l != &learners_[0]) continue;
        if (n_updates_ == 0) cur_.first_loss = loss;
        loss_sum_ += loss;
        ++n_updates_;
      }
    }
    lap(TrainPhase::kUpdate);
  }
  seconds_ += (now_ms() - t_start) / 1000.0;
  return world_->done();
}

// The transitions a step stores are those of the agents alive at its start that keep_transition
// draws for (seed, step, id) (transition_kept: alive after the step or died in it; alive only turns
// off by dying, which sets died). That set is known before the step: gather_kept compacts it then
// into the learner's idx and gathers (o, features, ā) of those agents from the world's buffers;
// store, after the step, gathers reward, action and done for the same idx, assembles o′ chunk by
// chunk and appends. No rows of the whole team are ever assembled.
KeepParams Trainer::keep_params(bool terminal) const {
  KeepParams kp;
  kp.seed = mix(cfg_.seed, 3);
  kp.step = static_cast<uint32_t>(env_steps_);
  kp.fraction = static_cast<float>(cfg_.store_fraction);
  kp.terminal = terminal;
  return kp;
}

void Trainer::gather_kept(Learner& l, TeamPolicy& pol) {
  const GroupBuffers b = world_->group_buffers(pol.group());
  // alive as both alive and died: kept iff alive now (reward, action and done outputs are unused). The
  // draws are keyed by the agent's slot: the group's first is pol.begin().
  const int64_t m = ops_->compact_transitions(keep_params(false), b.alive, b.alive, b.reward, b.action, pol.count(),
                                              pol.begin(), l.idx, st_reward_, st_action_, st_done_);
  l.kept = std::min(m, kept_capacity(pol.count(), cfg_.store_fraction));
  const NetInputSource s = pol.source();
  ops_->net_input(s, 0, l.idx, l.kept, NetInputDest{l.o_view, s.view_size, l.o_feat, s.n_features, l.o_mean, s.n_mean});
}

void Trainer::store(int learner, TeamPolicy& pol, bool terminal) {
  Learner& l = learners_[static_cast<size_t>(learner)];
  const GroupBuffers b = world_->group_buffers(pol.group());
  const int64_t m = l.kept;
  if (m == 0) return;
  ops_->gather_transition_fields(keep_params(terminal), b.died, b.reward, b.action, l.idx, m, st_reward_, st_action_,
                                 st_done_);
  const NetInputSource next = pol.source();
  const int64_t V = next.view_size, F = next.n_features, K = next.n_mean;
  const NetInputDest next_dest{st_nview_, V, st_nfeat_, F, st_nmean_, K};
  ReplayBuffer& replay = *l.replay;
  for (int64_t j0 = 0; j0 < m; j0 += staging_rows()) {
    const int64_t c = std::min(staging_rows(), m - j0);
    ops_->net_input(next, 0, l.idx + j0, c, next_dest);
    replay.append(TransitionBatch{c, l.o_view + j0 * V, l.o_feat + j0 * F, st_action_ + j0, l.o_mean + j0 * K,
                                  st_reward_ + j0, st_done_ + j0, st_nview_, st_nfeat_, st_nmean_});
  }
}

EpisodeMetrics Trainer::end_episode() {
  EpisodeMetrics m = cur_;
  const GroupTable& gt = world_->groups();
  for (int role = 0; role < 2; ++role) {
    const int g = role == 0 ? m.learner_group : 1 - m.learner_group;
    m.survivors[role] = world_->last_stats().alive[g];
    m.per_agent_return[role] = m.team_return[role] / static_cast<double>(gt.begin[g + 1] - gt.begin[g]);
  }
  m.updates = n_updates_;
  m.loss = n_updates_ > 0 ? loss_sum_ / static_cast<double>(n_updates_) : std::numeric_limits<double>::quiet_NaN();
  m.mean_q = q_count_ > 0 ? q_sum_ / static_cast<double>(q_count_) : 0.0;
  m.seconds = seconds_;
  m.agent_steps_per_s = seconds_ > 0 ? agent_steps_ / seconds_ : 0.0;
  // selfplay_lagged: after a round the learner wins, opponent ← 0.99·learner + 0.01·opponent.
  if (cfg_.opponent == "selfplay_lagged" && m.outcome() > 0) opponent_net_->soft_update_from(*learners_[0].online, 0.99f);
  ++episode_;
  in_episode_ = false;
  last_ = m;
  return m;
}

bool Trainer::train_step() {
  if (!in_episode_) begin_episode();
  if (!step_once()) return false;
  end_episode();
  return true;
}

EpisodeMetrics Trainer::run_episode() {
  if (!in_episode_) begin_episode();
  while (!step_once()) {
  }
  return end_episode();
}

}  // namespace myriad
