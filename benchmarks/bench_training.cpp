// bench_training.cpp: the training point of `myriad bench`: Trainer::train_step() with its phase
// timing (TrainStepTimes) on the battle-1M training configuration (scaled down on the CPU).
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "acting_step.hpp"
#include "bench_runner.hpp"
#include "bench_util.hpp"
#include "myriad/games/game.hpp"
#include "myriad/trainer.hpp"

namespace myriad::bench {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

TrainConfig training_config(const BenchSettings& s, int64_t agents) {
  const bool cuda = s.backend == BackendKind::kCuda;
  TrainConfig c;
  c.scenario = s.scenario;
  c.algorithm = s.algorithm;
  c.agents_per_team = agents / 2;
  c.map_size = s.scenario == Scenario::kBattle ? battle_map_side_for(c.agents_per_team) : kAuto;  // 3536 for 500k
  if (c.map_size == kAuto) c.map_size = 0;  // other games: their own map for that many per team
  c.store_fraction = 1.0 / 16;
  c.batch = cuda ? 65536 : 1024;
  c.replay_capacity = cuda ? 1000000 : 100000;
  c.update_every = 1;
  c.updates_per_step = 1;
  c.seed = s.seed;
  // The opponent plays a lagged copy of the learner's network, so the step runs both teams' forward
  // passes as the acting step does (performance.md).
  c.opponent = Opponent::kSelfplayLagged;
  // A mixer at this scale mixes inside map tiles (one mixer over a team of thousands cannot train).
  if (is_mixer(c.algorithm)) c.mixer_groups = MixerGroups::kTiles;
  c.obs_dtype = s.obs_dtype;  // the acting workload's settings
  c.network_math = s.math;
  resolve_defaults(c, cuda);
  c.max_steps = std::max<int64_t>(c.max_steps, 400);
  validate_train_config(c);
  return c;
}

bool opponent_has_network(const TrainConfig& c) {
  return c.opponent == Opponent::kSelfplayLagged || c.opponent == Opponent::kFrozen || c.opponent == Opponent::kBothLearn;
}

json run_training(Trainer& trainer, const TrainConfig& c, const BenchSettings& s, int steps, const ProgressFn& progress) {
  static_assert(kTrainPhaseCount == kBenchPhaseCount, "TrainStepTimes must have one entry per bench phase");
  trainer.set_phase_timing(true);
  PointSamples smp;
  double alive_sum = 0, learner_sum = 0;
  const bool profile = s.profile_from >= 0 && s.backend == BackendKind::kCuda;
  bool profiling = false;
  // Warm-up: the requested steps, and at least until the replay holds a batch (updates running).
  int warm = 0;
  const int warm_cap = s.warmup + 200;
  while (warm < warm_cap && (warm < s.warmup || trainer.replay().size() < c.warmup)) {
    trainer.train_step();
    ++warm;
    if (progress) progress("training: warm-up step " + std::to_string(warm) + " (filling the replay)");
  }
  for (int i = 0; i < steps; ++i) {
    const int played = warm + i;
    if (profile && played == s.profile_from) {
      trainer.world().synchronize();
      cuda_profiler(true);
      profiling = true;
    }
    const StepStats& st = trainer.world().last_stats();
    // An episode that ended starts afresh inside train_step: every agent alive again.
    const bool fresh_episode = trainer.world().done();
    const double per_team = static_cast<double>(c.agents_per_team);
    const double alive = fresh_episode ? 2 * per_team : static_cast<double>(st.alive[0] + st.alive[1]);
    // Agents that go through a network: both teams when the opponent has one, else the learner's.
    // (With swap_sides the learner may play blue; the two teams' counts are close either way.)
    const double learners = opponent_has_network(c) ? alive : fresh_episode ? per_team : static_cast<double>(st.alive[0]);
    const auto t0 = Clock::now();
    trainer.train_step();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (profiling && played + 1 == s.profile_to) {
      cuda_profiler(false);
      profiling = false;
    }
    smp.step_ms.push_back(ms);
    smp.agent_steps += alive;
    alive_sum += alive;
    learner_sum += learners;
    for (int k = 0; k < kBenchPhaseCount; ++k) smp.phase_ms[k].push_back(trainer.last_step_times().ms[k]);
    if (progress) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "training %lld agents: step %d/%d (timed), %.3g ms/step",
                    static_cast<long long>(2 * c.agents_per_team), i + 1, steps, ms);
      progress(buf);
    }
  }
  if (profiling) cuda_profiler(false);
  const double m = std::max<double>(1.0, static_cast<double>(steps));
  ModelInput model = acting_model(trainer.world(), alive_sum / m);  // the world's part, then training's
  model.net_alive = learner_sum / m;
  model.hidden1 = static_cast<int>(c.hidden.at(0));
  model.hidden2 = static_cast<int>(c.hidden.at(1));
  model.networks = opponent_has_network(c) ? 2 : 1;
  model.stored = model.net_alive / model.networks * c.store_fraction;  // the learner's transitions
  model.batch = static_cast<double>(c.batch);
  model.updates = static_cast<double>(c.updates_per_step) / static_cast<double>(c.update_every);
  model.double_q = c.target_kind() == TargetKind::kGreedyDouble;
  json p = summarize_point(smp, model, s.backend);
  p["warmup"] = warm;
  p["episode"] = trainer.episode();
  p["updates"] = trainer.updates();
  p["replay_size"] = trainer.replay().size();
  return p;
}

}  // namespace

json training_config_json(const BenchSettings& s, int64_t agents) {
  const TrainConfig c = training_config(s, agents);
  return {{"algorithm", algorithm_name(c.algorithm)},   {"agents_per_team", c.agents_per_team},
          {"map_size", c.map_size},         {"opponent", opponent_name(c.opponent)},
          {"exploration", exploration_name(c.exploration)}, {"target", target_name(c.target_kind())},
          {"store_fraction", c.store_fraction}, {"batch", c.batch},
          {"replay_capacity", c.replay_capacity}, {"update_every", c.update_every},
          {"updates_per_step", c.updates_per_step}, {"warmup_transitions", c.warmup},
          {"hidden", c.hidden},             {"max_steps", c.max_steps}};
}

json run_training_point(const BenchSettings& s, int64_t agents, int steps, const ProgressFn& progress) {
  json p;
  p["workload"] = "training";
  p["agents"] = 2 * (agents / 2);
  p["agents_per_team"] = agents / 2;
  p["configuration"] = training_config_json(s, agents);
  const TrainConfig c = training_config(s, agents);
  const auto t0 = Clock::now();
  Trainer trainer(c, s.backend);
  const double setup_s = std::chrono::duration<double>(Clock::now() - t0).count();
  json r = run_training(trainer, c, s, steps, progress);
  for (auto it = r.begin(); it != r.end(); ++it) p[it.key()] = it.value();
  p["map_side"] = c.map_size;
  p["backend"] = trainer.world().backend_name();
  p["obs_dtype"] = trainer.world().config().obs_dtype == ObsDtype::kBf16 ? "bf16" : "f32";
  p["network_math"] = net_math_name(trainer.config().network_math.value_or(NetMath::kFp32));
  p["setup_s"] = setup_s;
  const double total_bytes = static_cast<double>(trainer.memory().total());
  p["memory"] = {{"world_state_bytes", static_cast<double>(trainer.world().state_bytes())},
                 {"trainer_bytes", total_bytes},
                 {"bytes_per_agent", total_bytes > 0 ? total_bytes / static_cast<double>(2 * (agents / 2)) : 0.0},
                 {"method", "Trainer::memory() (plan_train_memory): world, networks, per-agent buffers, replay, "
                            "batches"},
                 {"replay_bytes_model", static_cast<double>(trainer.memory().replay)}};
  return p;
}

}  // namespace myriad::bench
