// acting_step.cpp: the forward pass of each team's network chunk by chunk on inputs read where the
// world keeps them (QNetwork::forward_inputs, the call run/render/eval use, there with FP32 math),
// Boltzmann selection into the world's actions.
#include "acting_step.hpp"

#include <algorithm>
#include <chrono>

#include "myriad/select.hpp"
#include "myriad/team_policy.hpp"

namespace myriad::bench {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

ActingStep::ActingStep(World& world, const ActingOptions& o) : world_(world), opt_(o) {
  const WorldBuffers b = world_.buffers();
  ops_ = b.on_device ? make_cuda_trainer_ops() : make_cpu_trainer_ops();
  const GroupTable& gt = world_.groups();
  n_actions_ = gt.type[0].n_actions();
  width_ = world_.obs_layout().obs_stride() + world_.obs_layout().n_features + n_actions_;
  for (int g = 0; g < gt.n_groups; ++g) {
    if (gt.type[g].n_actions() != n_actions_)
      throw std::invalid_argument("acting step: every team needs the same action count");
    max_team_ = std::max(max_team_, gt.begin[g + 1] - gt.begin[g]);
  }
  chunk_ = std::max<int64_t>(1, std::min(max_team_, opt_.chunk_rows));
  MlpShape shape;
  shape.inputs = static_cast<int>(width_);
  shape.hidden = opt_.hidden;
  shape.outputs = n_actions_;
  for (int g = 0; g < gt.n_groups; ++g) {
    const uint64_t seed = opt_.seed * 1000003ull + static_cast<uint64_t>(g);
    nets_.push_back(b.on_device ? make_cuda_qnetwork(shape, seed, opt_.math) : make_cpu_qnetwork(shape, seed));
  }
  q_ = ops_->alloc<float>(static_cast<size_t>(max_team_ * n_actions_));
  world_.set_phase_timing(true);
}

ActingStep::~ActingStep() = default;

size_t ActingStep::bytes() const {
  const MlpShape& s = nets_.front()->shape();
  size_t act = 0;  // activations the network keeps per row: every hidden output and the Q row
  for (int h : s.hidden) act += static_cast<size_t>(h);
  act += static_cast<size_t>(s.outputs);
  const size_t params = nets_.front()->layout().size();
  // forward_inputs assembles each network's rows of a chunk on the CPU, and on CUDA with FP32 math on bf16 views.
  const bool assembles =
      !on_device() || (opt_.math == NetMath::kFp32 && world_.config().obs_dtype == ObsDtype::kBf16);
  if (assembles) act += static_cast<size_t>(width_);
  return sizeof(float) * (static_cast<size_t>(max_team_ * n_actions_) +
                          nets_.size() * (4 * params + static_cast<size_t>(chunk_) * act));
}

void ActingStep::act_team(int team, double* forward_ms, double* select_ms) {
  const GroupTable& gt = world_.groups();
  const int64_t begin = gt.begin[team], count = gt.begin[team + 1] - begin;
  if (count <= 0) return;
  const WorldBuffers b = world_.buffers();
  const NetInputSource s = net_input_source(world_, n_actions_, true);
  QNetwork& net = *nets_[static_cast<size_t>(team)];

  auto t0 = Clock::now();
  for (int64_t r0 = 0; r0 < count; r0 += chunk_)  // inputs read where the world keeps them (no rows)
    net.forward_inputs(s, begin + r0, static_cast<int>(std::min(chunk_, count - r0)), q_ + r0 * n_actions_);
  net.synchronize();
  *forward_ms += ms_since(t0);

  SelectParams sp;
  sp.mode = SelectMode::kBoltzmann;
  sp.n_actions = sp.stride = n_actions_;
  sp.temperature = opt_.temperature;
  sp.seed = opt_.seed * 7919ull + static_cast<uint64_t>(team);
  sp.step = step_;
  t0 = Clock::now();
  if (on_device()) select_actions_cuda(sp, q_, count, nullptr, b.action + begin);
  else select_actions_cpu(sp, q_, count, nullptr, b.action + begin);
  ops_->synchronize();
  *select_ms += ms_since(t0);
}

const StepStats& ActingStep::play(double* phase_ms) {
  double fwd = 0, sel = 0;
  world_.synchronize();
  for (int g = 0; g < world_.groups().n_groups; ++g) act_team(g, &fwd, &sel);
  const StepStats& st = world_.step();
  world_.synchronize();
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
  m.view = static_cast<int>(world.obs_layout().obs_stride());
  m.features = world.obs_layout().n_features;
  m.actions = world.groups().type[0].n_actions();
  m.obs_bytes = world.config().obs_dtype == ObsDtype::kBf16 ? 2 : 4;
  m.networks = world.groups().n_groups;
  return m;
}

}  // namespace myriad::bench
