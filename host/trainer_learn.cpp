// trainer_learn.cpp: the Trainer's gradient step (sample, TD targets from the target network, backward,
// Adam, soft or hard target update), its memory check, the frozen opponent's loading, and its
// checkpoint: networks, Adam state, counters and RNG counters.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "myriad/memory_fit.hpp"
#include "myriad/trainer.hpp"

namespace myriad {

namespace {
constexpr uint32_t kSelectRng = 1, kReplayRng = 2, kKeepRng = 3;

const char* learner_prefix(size_t i) { return i == 0 ? "red" : "blue"; }
}  // namespace

float Trainer::update(Learner& l) {
  const int B = static_cast<int>(cfg_.batch);
  const uint64_t seed = cfg_.seed ^ (0x5EED5A3Full + 0x1000 * static_cast<uint64_t>(&l - learners_.data()));
  l.replay->sample(B, seed, l.draws++, ReplayBatch{bx_, bx_next_, ba_, br_, bd_});
  TdParams p;
  p.kind = cfg_.target == "greedy_double" ? TargetKind::kGreedyDouble : TargetKind::kBoltzmann;
  p.n_actions = l.online->shape().outputs;
  p.gamma = static_cast<float>(cfg_.gamma);
  p.temperature = static_cast<float>(cfg_.target_temperature);
  l.target->forward(bx_next_, B, q_tgt_);
  if (p.kind == TargetKind::kGreedyDouble) l.online->forward(bx_next_, B, q_on_);
  ops_->td_targets(p, B, br_, bd_, q_tgt_, p.kind == TargetKind::kGreedyDouble ? q_on_ : nullptr, y_);
  const float loss = l.online->backward_td(bx_, B, ba_, y_, nullptr);
  l.online->adam_step();
  if (cfg_.target_copy_every > 0) {
    if (l.online->step() % cfg_.target_copy_every == 0) l.target->copy_from(*l.online);
  } else {
    l.target->soft_update_from(*l.online, static_cast<float>(cfg_.tau));
  }
  ++updates_;
  if (&l == &learners_[0]) losses_.push_back(loss);
  return loss;
}

TrainMemory plan_train_memory(const TrainConfig& c, const MlpShape& shape, const ObsLayout& obs, size_t world_bytes,
                              bool cuda) {
  const size_t n = static_cast<size_t>(c.agents_per_team);
  const size_t X = static_cast<size_t>(shape.inputs), K = static_cast<size_t>(shape.outputs);
  const size_t V = static_cast<size_t>(obs.obs_stride()), F = static_cast<size_t>(obs.n_features);
  const size_t B = static_cast<size_t>(c.batch), S = std::min(n, static_cast<size_t>(c.store_chunk));
  const size_t learners = c.opponent == "both_learn" ? 2 : 1;
  const size_t nets = 2 * learners + (c.opponent == "frozen" || c.opponent == "selfplay_lagged" ? 1 : 0);
  TrainMemory m;
  m.world = world_bytes;
  // Per network, at its largest batch: a forward chunk or the update batch.
  const size_t rows_max = std::max(std::min(n, static_cast<size_t>(TeamPolicy::kForwardChunk)), B);
  m.networks = nets * network_bytes(shape, rows_max);
  // Acting networks (each learner's online one and a network opponent) assemble the rows of a
  // forward chunk in forward_inputs on the CPU, and on CUDA with FP32 math on bf16 views.
  if (!cuda || (c.network_math == "fp32" && c.obs_dtype == "bf16")) {
    const size_t acting_nets = learners + (nets > 2 * learners ? 1 : 0);
    m.networks += acting_nets * std::min(n, static_cast<size_t>(TeamPolicy::kForwardChunk)) * X * sizeof(float);
  }
  // Each learner's kept-transition index (a team's worth) and pre-step (o, features, ā) of its kept
  // transitions, each team's Q; reward, action and done per agent, the compaction's flag and position
  // per agent and the metric's two doubles (CUB's scan scratch, well under a MB, is not counted); the
  // staging of one chunk of o′. No rows of a whole team: networks read the world's buffers.
  const size_t kept = static_cast<size_t>(kept_capacity(c.agents_per_team, c.store_fraction));
  m.rows = (learners * kept * (V + F + K) + 2 * n * K) * sizeof(float) + learners * n * sizeof(int64_t) +
           n * (sizeof(float) + 2) + n * 2 * sizeof(int32_t) + 2 * sizeof(double) + S * (V + F + K) * sizeof(float);
  m.batch = B * (2 * X + 2 * K + 4) * sizeof(float);
  m.replay = learners * static_cast<size_t>(c.replay_capacity) * bytes_per_transition(ReplayShape{
                                                                       static_cast<int>(V), static_cast<int>(F),
                                                                       static_cast<int>(K)});
  return m;
}

// Everything but the world (already allocated) must fit what the backend has free.
void Trainer::check_memory(const MlpShape& shape, bool cuda) {
  TrainConfig sized = cfg_;
  sized.agents_per_team = world_->groups().count(0);  // the world's teams (a game may round the size asked for)
  memory_ = plan_train_memory(sized, shape, world_->obs_layout(0), world_->state_bytes(), cuda);
  const size_t learners = cfg_.opponent == "both_learn" ? 2 : 1;
  const size_t bpt = memory_.replay / (learners * static_cast<size_t>(cfg_.replay_capacity));
  const size_t need = memory_.total() - memory_.world;
  const size_t avail = ops_->available_bytes();
  if (avail == 0 || need <= avail / 100 * 95) return;
  const size_t other = need - memory_.replay;
  const int64_t fits = other < avail / 100 * 90
                           ? static_cast<int64_t>((avail / 100 * 90 - other) / (learners * bpt))
                           : 0;
  throw ConfigError(std::string("training needs ") + gib(need) + " beyond the world's " + gib(memory_.world) +
                    " (replay " + gib(memory_.replay) + " for " + std::to_string(cfg_.replay_capacity) +
                    " transitions of " + std::to_string(bpt) + " bytes, networks and rows " + gib(other) + ") but the " +
                    (cuda ? "device" : "host") + " has " + gib(avail) + " available; " +
                    (fits > 0 ? "replay_capacity <= " + std::to_string(fits) + " fits"
                              : "fewer agents_per_team or a smaller batch would fit"));
}

namespace {

// A checkpoint named by the config key `key` (opponent_checkpoint, init_from): what cannot be read is
// the config's fault, a ConfigError naming the key.
Checkpoint read_checkpoint_for(const char* key, const std::string& path) {
  try {
    return read_checkpoint(path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string(key) + ": " + e.what());
  }
}

// Its red network's parameters, refusing a NaN or an infinity.
std::vector<float> red_network(const Checkpoint& ck, const char* key, const std::string& path) {
  try {
    return ck.get_finite_floats("red.online");
  } catch (const std::exception& e) {
    throw ConfigError(std::string(key) + ": " + path + ": " + e.what());
  }
}

std::string shape_text(const std::vector<int>& s) {
  std::string t = "inputs " + std::to_string(s.front()) + ", hidden [";
  for (size_t i = 1; i + 1 < s.size(); ++i) t += (i > 1 ? ", " : "") + std::to_string(s[i]);
  return t + "], outputs " + std::to_string(s.back());
}

}  // namespace

void Trainer::load_opponent(const std::string& path) {
  const Checkpoint ck = read_checkpoint_for("opponent_checkpoint", path);
  const std::vector<float> p = red_network(ck, "opponent_checkpoint", path);
  if (p.size() != opponent_net_->layout().size())
    throw ConfigError("opponent_checkpoint: " + path + " holds a network of " + std::to_string(p.size()) +
                      " parameters, this run needs " + std::to_string(opponent_net_->layout().size()) +
                      " (same world view, features and hidden sizes)");
  opponent_net_->set_params(p);
  opponent_uses_mean_ = ck.header.algorithm != "iql";
}

void Trainer::init_networks_from(const std::string& path) {
  const Checkpoint ck = read_checkpoint_for("init_from", path);
  TrainConfig theirs;
  try {
    apply_toml(theirs, ck.header.config_toml, path + " (its config)");
  } catch (const std::exception& e) {
    throw ConfigError("init_from: " + path + ": its config does not read back (" + e.what() + ")");
  }
  if (theirs.scenario != cfg_.scenario)
    throw ConfigError("init_from: " + path + " was trained on " + theirs.scenario + ", this run plays " + cfg_.scenario +
                      "; start from a checkpoint of " + cfg_.scenario + " or set scenario = \"" + theirs.scenario + "\"");
  if (ck.header.algorithm != cfg_.algorithm)
    throw ConfigError("init_from: " + path + " is a " + ck.header.algorithm + " network, this run trains " +
                      cfg_.algorithm + "; set algorithm = \"" + ck.header.algorithm + "\"");
  const MlpShape& s = learners_[0].online->shape();
  std::vector<int> mine{s.inputs};
  mine.insert(mine.end(), s.hidden.begin(), s.hidden.end());
  mine.push_back(s.outputs);
  const std::vector<int>& shape = ck.header.network_shape;
  if (shape.size() < 2 || shape != mine)
    throw ConfigError("init_from: " + path + " holds a network of " +
                      (shape.size() < 2 ? std::string("no shape") : shape_text(shape)) + ", this run needs " +
                      shape_text(mine) + " (the same hidden sizes, minimap and view as the run it came from)");
  const std::vector<float> p = red_network(ck, "init_from", path);
  if (p.size() != learners_[0].online->layout().size())
    throw ConfigError("init_from: " + path + ": its red network holds " + std::to_string(p.size()) +
                      " parameters, its header's shape " + std::to_string(learners_[0].online->layout().size()));
  for (Learner& l : learners_) {
    l.online->set_params(p);
    l.target->set_params(p);
  }
}

Checkpoint Trainer::checkpoint() const {
  Checkpoint ck;
  ck.header.algorithm = cfg_.algorithm;
  const MlpShape& s = learners_[0].online->shape();
  ck.header.network_shape.push_back(s.inputs);
  for (int h : s.hidden) ck.header.network_shape.push_back(h);
  ck.header.network_shape.push_back(s.outputs);
  ck.header.episode = episode_;
  ck.header.env_steps = env_steps_;
  ck.header.updates = updates_;
  ck.header.seed = cfg_.seed;
  ck.header.config_toml = to_toml(cfg_);
  for (size_t i = 0; i < learners_.size(); ++i) {
    const std::string p = learner_prefix(i);
    const Learner& l = learners_[i];
    ck.put_floats(p + ".online", l.online->params());
    ck.put_floats(p + ".target", l.target->params());
    ck.put_floats(p + ".adam_m", l.online->adam_m());
    ck.put_floats(p + ".adam_v", l.online->adam_v());
    ck.put_u64(p + ".adam_step", static_cast<uint64_t>(l.online->step()));
    ck.put_rng("rng." + p + ".replay", RngCounter{cfg_.seed, kReplayRng, l.draws});
  }
  if (opponent_net_) ck.put_floats("opponent.online", opponent_net_->params());
  ck.put_u64("episode", static_cast<uint64_t>(episode_));
  ck.put_u64("env_steps", static_cast<uint64_t>(env_steps_));
  ck.put_u64("updates", static_cast<uint64_t>(updates_));
  // Counter-based draws: selection counter = env step, keep counter = env step, replay counter = draws.
  ck.put_rng("rng.select", RngCounter{cfg_.seed, kSelectRng, static_cast<uint64_t>(env_steps_)});
  ck.put_rng("rng.keep", RngCounter{cfg_.seed, kKeepRng, static_cast<uint64_t>(env_steps_)});
  return ck;
}

void Trainer::restore(const Checkpoint& ck) {
  if (ck.header.algorithm != cfg_.algorithm)
    throw std::runtime_error("checkpoint: algorithm " + ck.header.algorithm + ", this run " + cfg_.algorithm);
  // The run the checkpoint came from: its game and opponent mode must be this run's.
  TrainConfig theirs;
  try {
    apply_toml(theirs, ck.header.config_toml, "checkpoint");
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("checkpoint: its config does not read back (") + e.what() + ")");
  }
  if (theirs.scenario != cfg_.scenario)
    throw std::runtime_error("checkpoint: trained on " + theirs.scenario + ", this run plays " + cfg_.scenario);
  if (theirs.opponent != cfg_.opponent)
    throw std::runtime_error("checkpoint: opponent " + theirs.opponent + ", this run " + cfg_.opponent +
                             " (resume with the run's own config.toml)");
  // Counters far above any real run would wrap when signed: 2^48 leaves every real value.
  constexpr uint64_t kMaxCount = uint64_t{1} << 48;
  const uint64_t episode = ck.get_count("episode", kMaxCount), env_steps = ck.get_count("env_steps", kMaxCount),
                 updates = ck.get_count("updates", kMaxCount);
  for (size_t i = 0; i < learners_.size(); ++i) {
    const std::string p = learner_prefix(i);
    Learner& l = learners_[i];
    const std::vector<float> w = ck.get_finite_floats(p + ".online");
    if (w.size() != l.online->layout().size())
      throw std::runtime_error("checkpoint: network has " + std::to_string(w.size()) + " parameters, this run " +
                               std::to_string(l.online->layout().size()) + " (different world or hidden sizes?)");
    const std::vector<float> target = ck.get_finite_floats(p + ".target"), m = ck.get_finite_floats(p + ".adam_m"),
                             v = ck.get_finite_floats(p + ".adam_v");
    for (float x : v)
      if (x < 0) throw std::runtime_error("checkpoint: section " + p + ".adam_v holds a negative second moment");
    l.online->set_params(w);
    l.target->set_params(target);
    l.online->set_adam_state(m, v, static_cast<int64_t>(ck.get_count(p + ".adam_step", kMaxCount)));
    l.draws = static_cast<uint32_t>(ck.get_rng("rng." + p + ".replay").counter);
  }
  if (opponent_net_ && ck.has("opponent.online")) opponent_net_->set_params(ck.get_finite_floats("opponent.online"));
  episode_ = static_cast<int64_t>(episode);
  env_steps_ = static_cast<int64_t>(env_steps);
  updates_ = static_cast<int64_t>(updates);
  in_episode_ = false;
}

}  // namespace myriad
