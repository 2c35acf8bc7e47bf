// acting_step.cpp: the forward pass of each team's network chunk by chunk on inputs read where the
// world keeps them (Network::forward_inputs, the call run/render/eval use, there with FP32 math),
// Boltzmann selection into the world's actions.
#include "acting_step.hpp"

#include <algorithm>
#include <chrono>

#include "myriad/team_policy.hpp"

namespace myriad::bench {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

ActingStep::ActingStep(World& world, const ActingOptions& o) : world_(world), opt_(o) {
  ops_ = std::make_unique<TrainerOps>(world_.backend());
  const GroupTable& gt = world_.groups();
  for (int g = 0; g < gt.n_groups; ++g) {
    if (!gt.acts[g]) continue;  // gather's food: no network
    teams_.push_back(std::make_unique<TeamPolicy>(world_, *ops_, g));
    const uint64_t seed = opt_.seed * 1000003ull + static_cast<uint64_t>(g);
    nets_.push_back(make_network(world_.backend(), group_network_shape(world_, g, InputMode::kMeanAction, opt_.hidden), seed, opt_.math));
  }
  world_.set_phase_timing(true);
}

ActingStep::~ActingStep() = default;

size_t ActingStep::bytes() const {
  // forward_inputs assembles each network's rows of a chunk on the CPU, and on CUDA with FP32 math on bf16 views.
  const bool assembles =
      !on_device() || (opt_.math == NetMath::kFp32 && world_.config().obs_dtype == ObsDtype::kBf16);
  size_t floats = 0;
  for (size_t g = 0; g < teams_.size(); ++g) {
    const MlpShape& s = nets_[g]->shape();
    size_t act = static_cast<size_t>(s.outputs) + (assembles ? static_cast<size_t>(s.inputs) : 0);
    for (int h : s.hidden) act += static_cast<size_t>(h);  // activations per row: hidden outputs, Q (, rows)
    const size_t rows = static_cast<size_t>(teams_[g]->count());
    const size_t chunk = std::min(rows, static_cast<size_t>(TeamPolicy::kForwardChunk));
    floats += rows * static_cast<size_t>(s.outputs) + 4 * nets_[g]->layout().size() + chunk * act;
  }
  return sizeof(float) * floats;
}

const StepStats& ActingStep::play(double* phase_ms) {
  double fwd = 0, sel = 0;
  world_.synchronize();
  for (size_t g = 0; g < teams_.size(); ++g) {
    auto t0 = Clock::now();
    teams_[g]->forward(*nets_[g], InputMode::kMeanAction);
    world_.synchronize();
    fwd += ms_since(t0);
    SelectParams sp;
    sp.mode = SelectMode::kBoltzmann;
    sp.temperature = opt_.temperature;
    sp.seed = opt_.seed * 7919ull + static_cast<uint64_t>(g);
    sp.step = step_;
    t0 = Clock::now();
    teams_[g]->select(sp);
    world_.synchronize();
    sel += ms_since(t0);
  }
  const StepStats& st = world_.step();  // returns with the step done (its stats are read back)
  ++step_;
  if (phase_ms != nullptr) {
    const PhaseTimes& w = world_.last_phase_times();
    auto ms = [&w](Phase p) { return w.ms[static_cast<int>(p)]; };
    std::fill(phase_ms, phase_ms + kBenchPhaseCount, 0.0);
    phase_ms[static_cast<int>(BenchPhase::kIndex)] = ms(Phase::kIndex);
    phase_ms[static_cast<int>(BenchPhase::kMeanAction)] = ms(Phase::kMeanAction);
    phase_ms[static_cast<int>(BenchPhase::kObserve)] = ms(Phase::kObserve);
    phase_ms[static_cast<int>(BenchPhase::kForward)] = fwd;
    phase_ms[static_cast<int>(BenchPhase::kSelect)] = sel;
    phase_ms[static_cast<int>(BenchPhase::kRules)] =
        ms(Phase::kAttack) + ms(Phase::kRecovery) + ms(Phase::kMove) + ms(Phase::kReward) + ms(Phase::kStats);
  }
  return st;
}

ModelInput acting_model(const World& world, double alive) {
  ModelInput m;
  m.alive = alive;
  m.cells = static_cast<double>(world.config().width) * static_cast<double>(world.config().height);
  m.view = static_cast<int>(world.obs_layout(0).obs_stride());
  m.features = world.obs_layout(0).n_features;
  m.actions = world.groups().type[0].n_actions();
  m.obs_bytes = world.config().obs_dtype == ObsDtype::kBf16 ? 2 : 4;
  m.networks = world.groups().n_groups;
  return m;
}

}  // namespace myriad::bench
