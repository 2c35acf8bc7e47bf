// trainer.cpp: Trainer construction (world, sides and their groups, learners, played networks, memory
// check) and the episode loop: world policies and networks act for their groups, the world steps,
// learners store a sampled fraction of their transitions and update every U steps; metrics by role
// (the learner's side, the rest) and phase times.
#include "myriad/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "myriad/games/game.hpp"
#include "myriad/rng.hpp"
#include "myriad/schedule.hpp"
#include "myriad/select.hpp"

namespace myriad {

namespace {

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
    w = game_config(c.scenario, size);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("world: ") + e.what());
  }
  w.max_steps = c.max_steps;
  w.minimap = c.minimap;
  w.obs_dtype = c.obs_dtype.value_or(ObsDtype::kF32);
  // MFQMIX's ā is over the closest share of its group (algorithms.md): the trainer names its groups
  // every episode (World::set_nearest_groups).
  w.nearest_fraction = static_cast<float>(c.nearest_fraction);
  w.nearest_cap = static_cast<int>(c.nearest_cap);
  const std::string err = validate(w);
  if (!err.empty()) throw ConfigError("world: " + err);
  return w;
}

Trainer::Trainer(const TrainConfig& c, BackendKind backend) : Trainer(c, make_backend(backend)) {}

namespace {
// The second learner set's config under both_learn: the run's, with opponent_algorithm and that
// algorithm's own defaults for its target, reward mode and (a team mixer's whole steps) store fraction.
TrainConfig other_config(const TrainConfig& c, bool cuda) {
  TrainConfig o = c;
  if (!c.opponent_algorithm || *c.opponent_algorithm == c.algorithm) return o;
  o.algorithm = *c.opponent_algorithm;
  o.target.reset();
  o.reward_mode.reset();
  if (is_mixer(o.algorithm) && o.mixer_groups == MixerGroups::kTeam) o.store_fraction = 1.0;
  resolve_defaults(o, cuda);
  validate_train_config(o);
  return o;
}
}  // namespace

Trainer::Trainer(const TrainConfig& c, std::shared_ptr<Backend> backend)
    : cfg_(c), cfg_other_(other_config(c, backend->on_device())), backend_(std::move(backend)) {
  validate_train_config(cfg_);
  const WorldConfig wc = train_world_config(cfg_);
  world_ = std::make_unique<World>(backend_, wc);
  ops_ = std::make_unique<TrainerOps>(*backend_);
  setup_groups();
  check_memory(backend_->on_device());  // before the first of the trainer's own allocations

  const GroupTable& gt = world_->groups();
  teams_.resize(static_cast<size_t>(gt.n_groups));
  ctl_.resize(teams_.size());
  for (int s = 0; s < 2; ++s)
    for (int g : side_groups_[s]) teams_[static_cast<size_t>(g)] = std::make_unique<TeamPolicy>(*world_, *ops_, g);
  // The staging the learners share, sized for the largest of their groups.
  const TrainLayout lay = layout();
  int64_t max_team = 0;
  ReplayShape largest{};
  for (const TrainLayout::LearnerGroup& l : lay.learners) {
    max_team = std::max(max_team, l.agents);
    largest.view_size = std::max(largest.view_size, l.replay.view_size);
    largest.n_features = std::max(largest.n_features, l.replay.n_features);
    largest.n_actions = std::max(largest.n_actions, l.replay.n_actions);
  }
  ops_->reserve_compaction(max_team);
  staging_ = std::make_unique<TransitionStaging>(*ops_, max_team, std::min(max_team, cfg_.store_chunk), largest);
  const int sets = cfg_.opponent == Opponent::kBothLearn ? 2 : 1;
  for (int set = 0; set < sets; ++set) {
    const int side = set == 0 ? home_side_ : 1 - home_side_;
    for (int g : side_groups_[side]) {
      LearnerSetup ls{*world_, *ops_, set == 0 ? cfg_ : cfg_other_, *staging_, g, static_cast<int>(learners_.size()),
                      world_->config().groups[static_cast<size_t>(g)].name};
      learners_.push_back(make_learner(ls));
    }
  }
  if (!cfg_.init_from.empty()) init_networks_from(cfg_.init_from);  // before the lagged opponent copies it
  if (cfg_.opponent == Opponent::kSelfplayLagged) {
    for (int k = 0; k < set_size_; ++k) played_.push_back(learners_[static_cast<size_t>(k)]->copy_acting());
  } else if (cfg_.opponent == Opponent::kFrozen) {
    load_opponent(cfg_.opponent_checkpoint);
  }
  q_log_capacity_ = std::min((cfg_.max_steps + cfg_.update_every - 1) / cfg_.update_every + 1, kMaxLogged);
  q_log_ = ops_->alloc<double>(static_cast<size_t>(q_log_capacity_) * 2);
}

Trainer::~Trainer() = default;

// The learner's side is cfg.learner's (the game's default group when unset); each side's acting groups
// are its slots. Swapping sides and a second learner set need the other side to have the same groups.
void Trainer::setup_groups() {
  const GroupTable& gt = world_->groups();
  const WorldConfig& wc = world_->config();
  int lg = -1;
  if (cfg_.learner.empty()) {
    lg = game_spec(cfg_.scenario).learner_group;
    for (int g = 0; lg < 0 && g < gt.n_groups; ++g)
      if (wc.groups[static_cast<size_t>(g)].acts) lg = g;
  } else {
    lg = wc.group_index(cfg_.learner);
  }
  std::string names;
  for (int g = 0; g < gt.n_groups; ++g)
    if (wc.groups[static_cast<size_t>(g)].acts) names += (names.empty() ? "" : ", ") + wc.groups[static_cast<size_t>(g)].name;
  if (lg < 0 || !wc.groups[static_cast<size_t>(lg)].acts)
    throw ConfigError("learner: '" + cfg_.learner + "' is not a group of " + scenario_name(cfg_.scenario) +
                      " that acts; valid: " + names);
  home_side_ = wc.groups[static_cast<size_t>(lg)].side;
  for (int g = 0; g < gt.n_groups; ++g) {
    const GroupConfig& gc = wc.groups[static_cast<size_t>(g)];
    if (!gc.acts) continue;
    if (gc.side < 0 || gc.side > 1)
      throw ConfigError("scenario: group " + gc.name + " is on side " + std::to_string(gc.side) +
                        "; the trainer plays games of two sides");
    side_groups_[gc.side].push_back(g);
  }
  set_size_ = static_cast<int>(side_groups_[home_side_].size());
  for (int g : side_groups_[home_side_])
    if (cfg_.curriculum != Curriculum::kNone && cfg_.grow_from > gt.count(g))
      throw ConfigError("grow_from: " + std::to_string(cfg_.grow_from) + " learners to start with, but " +
                        wc.groups[static_cast<size_t>(g)].name + " has " + std::to_string(gt.count(g)) +
                        " agents; grow_from = " + std::to_string(std::max<int64_t>(1, gt.count(g) / 8)) +
                        " (an eighth) would grow the set over the run");
  const std::vector<int>& mine = side_groups_[home_side_];
  const std::vector<int>& theirs = side_groups_[1 - home_side_];
  // The other side's slot k is the same kind of group as ours (same actions, view, features, count).
  bool alike = mine.size() == theirs.size();
  for (size_t k = 0; alike && k < mine.size(); ++k) {
    const int a = mine[k], b = theirs[k];
    alike = gt.count(a) == gt.count(b) && gt.type[a].n_actions() == gt.type[b].n_actions() &&
            world_->obs_layout(a).obs_stride() == world_->obs_layout(b).obs_stride() &&
            world_->obs_layout(a).n_features == world_->obs_layout(b).n_features;
  }
  const char* game = scenario_name(cfg_.scenario);
  if (cfg_.swap_sides.value_or(false) && !alike)
    throw ConfigError(std::string("swap_sides: ") + game + "'s sides differ (groups, sizes or views), so the learner "
                      "cannot play both; set swap_sides = false");
  if ((cfg_.opponent == Opponent::kSelfplayLagged || cfg_.opponent == Opponent::kFrozen) && !alike)
    throw ConfigError(std::string("opponent: ") + opponent_name(cfg_.opponent) + " plays the other side with the "
                      "learner's networks, but " + game + "'s sides differ; use random, scripted or both_learn");
  if (cfg_.opponent == Opponent::kBothLearn && theirs.empty())
    throw ConfigError(std::string("opponent: both_learn needs acting groups on both sides; ") + game + " has none on "
                      "the learner's opponent side");
}

Network& Trainer::network(int i) { return learner(i).acting_network(); }

Network& Trainer::target_network(int i) {
  return const_cast<Network&>(*learner(i).networks()[1].second);  // the acting network's target copy
}

Network* Trainer::opponent_network(int slot) {
  return slot < static_cast<int>(played_.size()) ? played_[static_cast<size_t>(slot)].net.get() : nullptr;
}

int64_t Trainer::input_width() const {
  return teams_[static_cast<size_t>(learners_[0]->home_group())]->width(value_input(cfg_.algorithm));
}

int Trainer::side_of_learners(int set, int64_t episode) const {
  const bool swapped = cfg_.swap_sides.value_or(false) && episode % 2 == 1;
  const int side = swapped ? 1 - home_side_ : home_side_;
  return set == 0 ? side : 1 - side;
}

int Trainer::learner_group(int64_t episode) const { return side_groups_[side_of_learners(0, episode)][0]; }

const std::string& Trainer::learner_side_name() const {
  return world_->config().groups[static_cast<size_t>(learners_[0]->home_group())].name;
}

float Trainer::exploration_value(int64_t episode) const {
  if (cfg_.exploration == Exploration::kEpsilon)
    return linear_schedule(static_cast<float>(cfg_.epsilon_start), static_cast<float>(cfg_.epsilon_end),
                           cfg_.anneal_episodes).value(episode);
  return exponential_schedule(static_cast<float>(cfg_.temperature_start), static_cast<float>(cfg_.temperature_end),
                              cfg_.anneal_episodes).value(episode);
}

SelectParams Trainer::explore_params(uint64_t salt) const {
  SelectParams sp;
  sp.mode = cfg_.exploration == Exploration::kEpsilon ? SelectMode::kEpsilonGreedy : SelectMode::kBoltzmann;
  sp.temperature = sp.epsilon = exploration_value(episode_);
  if (sp.mode == SelectMode::kBoltzmann) sp.epsilon = 0.0f;
  sp.seed = seed_mix(cfg_.seed, 2 + 10 * salt);
  sp.step = static_cast<uint32_t>(env_steps_);
  return sp;
}

// Learner 0's home group's rows, assembled chunk by chunk in the replay staging (split view / features /
// ā) and interleaved on the host.
std::vector<float> Trainer::assemble_inputs_host() {
  world_->synchronize();
  const TeamPolicy& pol = *teams_[static_cast<size_t>(learners_[0]->home_group())];
  const NetInputSource s = pol.source(value_input(cfg_.algorithm));
  const int64_t V = s.view_size, F = s.n_features, K = s.n_mean, W = s.width(), S = staging_->chunk_rows;
  std::vector<float> h(static_cast<size_t>(pol.count() * W)), v, f, m;
  for (int64_t r0 = 0; r0 < pol.count(); r0 += S) {
    const int64_t c = std::min(S, pol.count() - r0);
    ops_->net_input(s, r0, nullptr, c, NetInputDest{staging_->next_view, V, staging_->next_features, F,
                                                    staging_->next_mean, K});
    v.resize(static_cast<size_t>(c * V));
    f.resize(static_cast<size_t>(c * F));
    m.resize(static_cast<size_t>(c * K));
    ops_->to_host(v.data(), staging_->next_view, v.size() * sizeof(float));
    ops_->to_host(f.data(), staging_->next_features, f.size() * sizeof(float));
    ops_->to_host(m.data(), staging_->next_mean, m.size() * sizeof(float));
    for (int64_t r = 0; r < c; ++r) {
      float* row = h.data() + (r0 + r) * W;
      std::copy_n(v.data() + r * V, V, row);
      std::copy_n(f.data() + r * F, F, row + V);
      std::copy_n(m.data() + r * K, K, row + V + F);
    }
  }
  return h;
}

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
  for (Controller& c : ctl_) c = Controller{};
  const int sets = cfg_.opponent == Opponent::kBothLearn ? 2 : 1;
  for (int set = 0; set < sets; ++set) {
    const std::vector<int>& groups = side_groups_[side_of_learners(set, episode_)];
    for (size_t k = 0; k < groups.size(); ++k)
      ctl_[static_cast<size_t>(groups[k])] = Controller{Controller::Kind::kLearner, set * set_size_ + static_cast<int>(k)};
  }
  if (sets == 1) {
    const std::vector<int>& groups = side_groups_[side_of_learners(1, episode_)];
    for (size_t k = 0; k < groups.size(); ++k) {
      Controller& o = ctl_[static_cast<size_t>(groups[k])];
      if (cfg_.opponent == Opponent::kFrozen || cfg_.opponent == Opponent::kSelfplayLagged)
        o = Controller{Controller::Kind::kNetwork, static_cast<int>(k)};
      else
        o = Controller{Controller::Kind::kWorld, -1,
                       cfg_.opponent == Opponent::kScripted ? PolicyKind::kScripted : PolicyKind::kRandom};
    }
  }
  uint32_t nearest = 0;  // the groups played by networks that read MFQMIX's ā
  for (size_t g = 0; g < ctl_.size(); ++g) {
    const Controller& k = ctl_[g];
    if ((k.kind == Controller::Kind::kLearner && learners_[static_cast<size_t>(k.index)]->algorithm() == Algorithm::kMfqmix) ||
        (k.kind == Controller::Kind::kNetwork && played_[static_cast<size_t>(k.index)].nearest_mean))
      nearest |= 1u << g;
  }
  world_->set_nearest_groups(nearest);
  if (cfg_.curriculum == Curriculum::kGrowPopulation) world_->set_population(population_of_episode());
  cur_ = EpisodeMetrics{};
  cur_.episode = episode_;
  cur_.learner_group = learner_group(episode_);
  cur_.learner_name = world_->config().groups[static_cast<size_t>(cur_.learner_group)].name;
  cur_.learning_agents = learning_agents_of(cur_.learner_group);
  cur_.temperature = is_actor_critic(cfg_.algorithm) ? cfg_.entropy_weight(episode_) : exploration_value(episode_);
  agent_steps_ = seconds_ = 0;
  q_log_used_ = q_steps_ = 0;
  q_sum_ = 0;
  for (auto& l : learners_) l->set_episode(episode_);
  world_->set_phase_timing(timing_);
  world_->reset(seed_mix(cfg_.seed, 100 + static_cast<uint64_t>(episode_)));
  world_->synchronize();
  in_episode_ = true;
}

// The transitions a step stores are those of the agents alive at its start that keep_transition draws
// for (seed, step, id): transitions.hpp.
KeepParams Trainer::keep_params(int g, bool terminal, double group_reward) const {
  KeepParams kp;
  kp.seed = seed_mix(cfg_.seed, 3);
  kp.step = static_cast<uint32_t>(env_steps_);
  kp.fraction = static_cast<float>(cfg_.store_fraction);
  kp.terminal = terminal;
  kp.learning = learning_set_of(g);
  kp.team_reward = static_cast<float>(group_reward);
  return kp;
}

int64_t Trainer::learning_agents_of(int g) const {
  if (cfg_.curriculum != Curriculum::kGrowLearners) return world_->population(g);
  return learning_agents(world_->groups().count(g), cfg_.grow_from, episode_, cfg_.grow_episodes);
}

std::vector<int64_t> Trainer::population_of_episode() const {
  const GroupTable& gt = world_->groups();
  const int64_t n_lg = gt.count(learner_group(episode_));
  const int64_t n_L = learning_agents(n_lg, cfg_.grow_from, episode_, cfg_.grow_episodes);
  std::vector<int64_t> per_group(static_cast<size_t>(gt.n_groups));
  for (int g = 0; g < gt.n_groups; ++g)
    per_group[static_cast<size_t>(g)] = population_in_proportion(gt.count(g), n_lg, n_L);
  return per_group;
}

LearningSet Trainer::learning_set_of(int g) const {
  LearningSet s;
  s.size = world_->groups().count(g);
  s.learners = cfg_.curriculum == Curriculum::kGrowLearners ? learning_agents_of(g) : s.size;
  s.seed = seed_mix(cfg_.seed, 5 + static_cast<uint64_t>(g));
  s.episode = static_cast<uint32_t>(episode_);
  return s;
}

bool Trainer::step_once() {
  using Kind = Controller::Kind;
  const double t_start = now_ms();
  times_ = TrainStepTimes{};
  tick();
  const int n = static_cast<int>(ctl_.size());
  for (int g = 0; g < n; ++g)
    if (ctl_[static_cast<size_t>(g)].kind != Kind::kIdle)
      agent_steps_ += static_cast<double>(world_->last_stats().alive[g]);
  bool any_world = false;
  for (const Controller& c : ctl_) any_world = any_world || c.kind == Kind::kWorld;
  if (any_world) {
    std::vector<PolicySpec> pol(static_cast<size_t>(n));
    for (int g = 0; g < n; ++g) pol[static_cast<size_t>(g)].kind = ctl_[static_cast<size_t>(g)].world_policy;
    NvtxRange r("policy");
    world_->act(pol);  // every agent's action (stay for the network groups); their selection follows
  }
  lap(TrainPhase::kSelect);
  const int lg0 = cur_.learner_group;
  for (int g = 0; g < n; ++g) {
    const Controller& c = ctl_[static_cast<size_t>(g)];
    if (c.kind != Kind::kLearner && c.kind != Kind::kNetwork) continue;
    TeamPolicy& team = *teams_[static_cast<size_t>(g)];
    const SelectParams explore = explore_params(static_cast<uint64_t>(g));
    {
      NvtxRange r("forward");
      if (c.kind == Kind::kLearner) {
        team.forward(learners_[static_cast<size_t>(c.index)]->acting_network(),
                     learners_[static_cast<size_t>(c.index)]->acting_input());
      } else {
        const PlayedNetwork& p = played_[static_cast<size_t>(c.index)];
        team.forward(*p.net, p.input);
      }
    }
    lap(TrainPhase::kForward);
    {
      NvtxRange r("select");
      if (c.kind == Kind::kLearner) {
        team.select(learners_[static_cast<size_t>(c.index)]->behaviour(explore));
        const LearningSet set = learning_set_of(g);
        if (set.learners < set.size)  // grow_learners: the rest of the group acts uniformly at random
          backend_->learn().random_actions(set, seed_mix(cfg_.seed, 4), static_cast<uint32_t>(env_steps_), team.count(),
                                           team.begin(), team.n_actions(), world_->group_buffers(g).action);
      } else {
        const PlayedNetwork& p = played_[static_cast<size_t>(c.index)];
        // A frozen Q-network plays greedily, a lagged one explores as the learner does; actors sample π.
        team.select(p.actor ? sample_select(explore.seed, explore.step)
                            : cfg_.opponent == Opponent::kFrozen ? greedy_select(0, 0) : explore);
      }
      if (g == lg0 && !learners_[0]->has_actor() && env_steps_ % cfg_.update_every == 0) {
        if (q_log_used_ == q_log_capacity_) flush_q_log();
        team.max_output_sum(q_log_ + 2 * q_log_used_++);
      }
    }
    lap(TrainPhase::kSelect);
  }
  for (int g = 0; g < n; ++g) {
    const Controller& c = ctl_[static_cast<size_t>(g)];
    if (c.kind != Kind::kLearner) continue;
    NvtxRange r("replay");
    learners_[static_cast<size_t>(c.index)]->choose_transitions(*world_, *teams_[static_cast<size_t>(g)],
                                                                 keep_params(g, false));
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
  const int mine = side_of_learners(0, episode_);
  for (int g = 0; g < n; ++g) {
    const int role = world_->config().groups[static_cast<size_t>(g)].side == mine ? 0 : 1;
    cur_.team_return[role] += st.reward(g);
    cur_.kills[role] += st.kills[g];
    cur_.hits[role] += st.hits[g];
  }
  for (int g = 0; g < n; ++g) {
    const Controller& c = ctl_[static_cast<size_t>(g)];
    if (c.kind != Kind::kLearner) continue;
    NvtxRange r("replay");
    learners_[static_cast<size_t>(c.index)]->store_transitions(*world_, *teams_[static_cast<size_t>(g)],
                                                                keep_params(g, st.done, st.reward(g)));
    lap(TrainPhase::kReplay);
  }
  ++env_steps_;
  ++cur_.steps;
  if (env_steps_ % cfg_.update_every == 0) {
    NvtxRange r("update");
    for (auto& l : learners_) {
      if (!l->ready()) continue;
      for (int64_t u = 0; u < cfg_.updates_per_step; ++u) {
        l->update();
        ++updates_;
      }
    }
    lap(TrainPhase::kUpdate);
  }
  seconds_ += (now_ms() - t_start) / 1000.0;
  return world_->done();
}

EpisodeMetrics Trainer::end_episode() {
  EpisodeMetrics m = cur_;
  const GroupTable& gt = world_->groups();
  const int mine = side_of_learners(0, episode_);
  int64_t agents[2] = {0, 0};
  for (int g = 0; g < gt.n_groups; ++g) {
    const int role = world_->config().groups[static_cast<size_t>(g)].side == mine ? 0 : 1;
    m.survivors[role] += world_->last_stats().alive[g];
    agents[role] += world_->population(g);
  }
  for (int role = 0; role < 2; ++role)
    m.per_agent_return[role] = agents[role] > 0 ? m.team_return[role] / static_cast<double>(agents[role]) : 0.0;
  for (size_t i = 0; i < learners_.size(); ++i) {
    LearnerEpisode e = learners_[i]->end_episode();
    if (i != 0) continue;
    m.updates = e.updates;
    m.loss = e.loss;
    m.first_loss = e.first_loss;
    m.actor_loss = e.actor_loss;
    m.entropy = e.entropy;
    losses_.insert(losses_.end(), e.losses.begin(), e.losses.end());
  }
  // The Q metric: the mean over update steps of each step's mean max_a Q over the alive learners.
  m.mean_q = std::numeric_limits<double>::quiet_NaN();
  if (!learners_[0]->has_actor()) {
    flush_q_log();
    m.mean_q = q_steps_ > 0 ? q_sum_ / static_cast<double>(q_steps_) : 0.0;
  }
  m.seconds = seconds_;
  m.agent_steps_per_s = seconds_ > 0 ? agent_steps_ / seconds_ : 0.0;
  // selfplay_lagged: after a round the learner wins, opponent ← 0.99·learner + 0.01·opponent.
  if (cfg_.opponent == Opponent::kSelfplayLagged && m.outcome() > 0)
    for (size_t k = 0; k < played_.size(); ++k) played_[k].net->soft_update_from(learners_[k]->acting_network(), 0.99f);
  ++episode_;
  in_episode_ = false;
  last_ = m;
  return m;
}

void Trainer::flush_q_log() {
  std::vector<double> h(static_cast<size_t>(q_log_used_) * 2);
  if (!h.empty()) ops_->to_host(h.data(), q_log_, h.size() * sizeof(double));
  for (int64_t s = 0; s < q_log_used_; ++s) {
    const double sum = h[static_cast<size_t>(2 * s)], count = h[static_cast<size_t>(2 * s + 1)];
    q_sum_ += count > 0 ? sum / count : 0.0;
  }
  q_steps_ += q_log_used_;
  q_log_used_ = 0;
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
