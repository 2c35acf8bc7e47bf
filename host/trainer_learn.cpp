// trainer_learn.cpp: the Trainer's memory plan and check, the frozen opponent's loading, the start from
// another run's networks (init_from), and its checkpoint: every learner's sections, the played networks,
// counters and RNG counters.
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "learners/learner_impl.hpp"
#include "myriad/checkpoint_learners.hpp"
#include "myriad/games/game.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/players.hpp"
#include "myriad/trainer.hpp"

namespace myriad {

namespace {
constexpr uint32_t kSelectRng = 1, kKeepRng = 3;
// Counters far above any real run would wrap when signed: 2^48 leaves every real value.
constexpr uint64_t kMaxCount = uint64_t{1} << 48;

// The section of the played network of opponent slot k ("opponent" for the first).
std::string played_section(size_t k, bool actor) {
  return (k == 0 ? std::string("opponent") : "opponent" + std::to_string(k)) + (actor ? ".actor" : ".online");
}
}  // namespace

TrainMemory plan_train_memory(const TrainConfig& c, const TrainLayout& lay, size_t world_bytes, bool cuda) {
  TrainMemory m;
  m.world = world_bytes;
  int64_t max_team = 0;
  ReplayShape largest{};
  for (const TrainLayout::Group& g : lay.acting)  // each acting group's network outputs
    m.rows += static_cast<size_t>(g.agents) * static_cast<size_t>(g.n_actions) * sizeof(float);
  for (const TrainLayout::LearnerGroup& l : lay.learners) {
    const LearnerBytes b = plan_learner_bytes(l.config != nullptr ? *l.config : c, l.value_shape, l.replay, l.agents, cuda);
    m.rows += b.rows;
    m.batch += b.batch;
    m.networks += b.networks;
    m.replay += b.replay;
    max_team = std::max(max_team, l.agents);
    largest.view_size = std::max(largest.view_size, l.replay.view_size);
    largest.n_features = std::max(largest.n_features, l.replay.n_features);
    largest.n_actions = std::max(largest.n_actions, l.replay.n_actions);
  }
  // The shared staging of o′ (a chunk) and the stored fields; the compaction's flag and position per agent
  // and the metric's two doubles (CUB's scan scratch, well under a MB, is not counted); the Q metric's log.
  m.rows += TransitionStaging::bytes(max_team, std::min(max_team, c.store_chunk), largest);
  m.rows += static_cast<size_t>(max_team) * 2 * sizeof(int32_t) + 2 * sizeof(double);
  m.rows += static_cast<size_t>(std::min((c.max_steps + c.update_every - 1) / c.update_every + 1, kMaxLogged)) * 2 *
            sizeof(double);
  for (const TrainLayout::Played& p : lay.played) {
    m.networks += network_bytes(p.shape, largest_rows(c, p.agents));
    if (assembles_rows(c, cuda)) m.networks += acting_rows(p.agents) * static_cast<size_t>(p.shape.inputs) * sizeof(float);
  }
  return m;
}

TrainMemory plan_train_memory(const TrainConfig& c, const MlpShape& shape, const ObsLayout& obs, size_t world_bytes,
                              bool cuda) {
  TrainLayout lay;
  const int64_t n = c.agents_per_team;
  const ReplayShape rs{static_cast<int>(obs.obs_stride()), obs.n_features, shape.outputs, is_mixer(c.algorithm) ? 1 : 0};
  lay.acting = {{n, shape.outputs}, {n, shape.outputs}};
  lay.learners.push_back({n, shape, rs});
  if (c.opponent == Opponent::kBothLearn) lay.learners.push_back({n, shape, rs});
  if (c.opponent == Opponent::kFrozen || c.opponent == Opponent::kSelfplayLagged)
    lay.played.push_back({n, is_actor_critic(c.algorithm) ? ActorCriticLearner::actor_shape(shape) : shape});
  return plan_train_memory(c, lay, world_bytes, cuda);
}

TrainLayout Trainer::layout() const {
  TrainLayout lay;
  const GroupTable& gt = world_->groups();
  const std::vector<int> hidden(cfg_.hidden.begin(), cfg_.hidden.end());
  for (int s = 0; s < 2; ++s)
    for (int g : side_groups_[s]) lay.acting.push_back({gt.count(g), gt.type[g].n_actions()});
  const int sets = cfg_.opponent == Opponent::kBothLearn ? 2 : 1;
  for (int set = 0; set < sets; ++set)
    for (int g : side_groups_[set == 0 ? home_side_ : 1 - home_side_]) {
      const TrainConfig& c = set == 0 ? cfg_ : cfg_other_;
      const MlpShape vs = group_network_shape(*world_, g, value_input(c.algorithm), hidden);
      const ObsLayout& L = world_->obs_layout(g);
      lay.learners.push_back({gt.count(g), vs,
                              ReplayShape{static_cast<int>(L.obs_stride()), L.n_features, vs.outputs,
                                          is_mixer(c.algorithm) ? 1 : 0},
                              &c});
    }
  if (cfg_.opponent == Opponent::kFrozen || cfg_.opponent == Opponent::kSelfplayLagged)
    for (int g : side_groups_[home_side_])
      lay.played.push_back({gt.count(g), group_network_shape(*world_, g, acting_input(cfg_.algorithm), hidden)});
  return lay;
}

// Everything but the world (already allocated) must fit what the backend has free.
void Trainer::check_memory(bool cuda) {
  memory_ = plan_train_memory(cfg_, layout(), world_->state_bytes(), cuda);
  const size_t n_learners = layout().learners.size();
  const size_t bpt = memory_.replay / std::max<size_t>(1, n_learners * static_cast<size_t>(cfg_.replay_capacity));
  const size_t need = memory_.total() - memory_.world;
  const size_t avail = ops_->available_bytes();
  if (avail == 0 || need <= avail / 100 * 95) return;
  const size_t other = need - memory_.replay;
  const int64_t fits = other < avail / 100 * 90 && bpt > 0
                           ? static_cast<int64_t>((avail / 100 * 90 - other) / (n_learners * bpt))
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

std::string shape_text(const std::vector<int>& s) {
  std::string t = "inputs " + std::to_string(s.front()) + ", hidden [";
  for (size_t i = 1; i + 1 < s.size(); ++i) t += (i > 1 ? ", " : "") + std::to_string(s[i]);
  return t + "], outputs " + std::to_string(s.back());
}

std::vector<int> widths(const MlpShape& s) {
  std::vector<int> w{s.inputs};
  w.insert(w.end(), s.hidden.begin(), s.hidden.end());
  w.push_back(s.outputs);
  return w;
}

}  // namespace

void Trainer::load_opponent(const std::string& path) {
  const Checkpoint ck = read_checkpoint_for("opponent_checkpoint", path);
  // One network per slot of the learner's side, of the shape this run's memory plan counted.
  for (size_t k = 0; k < side_groups_[home_side_].size(); ++k) {
    const int g = side_groups_[home_side_][k];
    try {
      played_.push_back(load_played_network(ck, path, *world_, g, cfg_.network_math.value_or(NetMath::kFp32)));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("opponent_checkpoint: ") + e.what());
    }
    const Network& mine = learners_[k]->acting_network();
    const Network& theirs = *played_.back().net;
    if (widths(theirs.shape()) != widths(mine.shape()))
      throw ConfigError("opponent_checkpoint: " + path + " holds a network of " +
                        std::to_string(theirs.layout().size()) + " parameters (" + shape_text(widths(theirs.shape())) +
                        "), this run needs " + std::to_string(mine.layout().size()) + " (" +
                        shape_text(widths(mine.shape())) + ": the same world view, features and hidden sizes)");
  }
}

void Trainer::init_networks_from(const std::string& path) {
  const Checkpoint ck = read_checkpoint_for("init_from", path);
  TrainConfig theirs;
  try {
    apply_toml(theirs, ck.header.config_toml, path + " (its config)");
  } catch (const std::exception& e) {
    throw ConfigError("init_from: " + path + ": its config does not read back (" + e.what() + ")");
  }
  const std::string game = scenario_name(cfg_.scenario), their_game = scenario_name(theirs.scenario);
  if (theirs.scenario != cfg_.scenario)
    throw ConfigError("init_from: " + path + " was trained on " + their_game + ", this run plays " + game +
                      "; start from a checkpoint of " + game + " or set scenario = \"" + their_game + "\"");
  if (ck.header.algorithm != algorithm_name(cfg_.algorithm))
    throw ConfigError("init_from: " + path + " is a " + ck.header.algorithm + " network, this run trains " +
                      algorithm_name(cfg_.algorithm) + "; set algorithm = \"" + ck.header.algorithm + "\"");
  std::vector<CheckpointLearner> theirs_l;
  try {
    theirs_l = checkpoint_learners(ck);
  } catch (const std::exception& e) {
    throw ConfigError("init_from: " + path + ": " + e.what());
  }
  // Each learner starts from the checkpoint's first learner of its shape (a both_learn run's learners
  // all from its first one, as a learner that swapped sides played both).
  for (auto& l : learners_) {
    const std::vector<int> mine = widths(l->acting_network().shape());
    const CheckpointLearner* pick = nullptr;
    for (const CheckpointLearner& c : theirs_l)
      if (pick == nullptr && c.shape == mine) pick = &c;
    if (pick == nullptr) {
      const std::vector<int>& shape = theirs_l.empty() ? ck.header.network_shape : theirs_l.front().shape;
      throw ConfigError("init_from: " + path + " holds a network of " +
                        (shape.size() < 2 ? std::string("no shape") : shape_text(shape)) + ", this run needs " +
                        shape_text(mine) + " (the same hidden sizes, minimap and view as the run it came from)");
    }
    l->init_from(ck, pick->prefix, path);
  }
}

Checkpoint Trainer::checkpoint() const {
  Checkpoint ck;
  ck.header.algorithm = algorithm_name(cfg_.algorithm);
  ck.header.network_shape = widths(learners_[0]->acting_network().shape());
  ck.header.episode = episode_;
  ck.header.env_steps = env_steps_;
  ck.header.updates = updates_;
  ck.header.seed = cfg_.seed;
  ck.header.config_toml = to_toml(cfg_);
  for (const auto& l : learners_) l->save(ck);
  for (size_t k = 0; k < played_.size(); ++k)
    ck.put_floats(played_section(k, played_[k].actor), played_[k].net->params());
  ck.put_u64("episode", static_cast<uint64_t>(episode_));
  ck.put_u64("env_steps", static_cast<uint64_t>(env_steps_));
  ck.put_u64("updates", static_cast<uint64_t>(updates_));
  // Counter-based draws: selection counter = env step, keep counter = env step, replay counter = draws.
  ck.put_rng("rng.select", RngCounter{cfg_.seed, kSelectRng, static_cast<uint64_t>(env_steps_)});
  ck.put_rng("rng.keep", RngCounter{cfg_.seed, kKeepRng, static_cast<uint64_t>(env_steps_)});
  for (const auto& l : learners_) put_learner_shape(ck, l->name(), widths(l->acting_network().shape()));
  return ck;
}

void Trainer::restore(const Checkpoint& ck) {
  if (ck.header.algorithm != algorithm_name(cfg_.algorithm))
    throw std::runtime_error("checkpoint: algorithm " + ck.header.algorithm + ", this run " +
                             algorithm_name(cfg_.algorithm));
  // The run the checkpoint came from: its game and opponent mode must be this run's.
  TrainConfig theirs;
  try {
    apply_toml(theirs, ck.header.config_toml, "checkpoint");
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("checkpoint: its config does not read back (") + e.what() + ")");
  }
  if (theirs.scenario != cfg_.scenario)
    throw std::runtime_error(std::string("checkpoint: trained on ") + scenario_name(theirs.scenario) +
                             ", this run plays " + scenario_name(cfg_.scenario));
  if (theirs.opponent != cfg_.opponent)
    throw std::runtime_error(std::string("checkpoint: opponent ") + opponent_name(theirs.opponent) + ", this run " +
                             opponent_name(cfg_.opponent) + " (resume with the run's own config.toml)");
  const uint64_t episode = ck.get_count("episode", kMaxCount), env_steps = ck.get_count("env_steps", kMaxCount),
                 updates = ck.get_count("updates", kMaxCount);
  for (auto& l : learners_) l->restore(ck);
  for (size_t k = 0; k < played_.size(); ++k) {
    const std::string sec = played_section(k, played_[k].actor);
    if (!ck.has(sec)) continue;
    const std::vector<float> p = ck.get_finite_floats(sec);
    if (p.size() != played_[k].net->layout().size())
      throw std::runtime_error("checkpoint: network " + sec + " has " + std::to_string(p.size()) +
                               " parameters, this run " + std::to_string(played_[k].net->layout().size()));
    played_[k].net->set_params(p);
  }
  episode_ = static_cast<int64_t>(episode);
  env_steps_ = static_cast<int64_t>(env_steps);
  updates_ = static_cast<int64_t>(updates);
  in_episode_ = false;
}

}  // namespace myriad
