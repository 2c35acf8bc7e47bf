// acting_step.hpp: the acting step of performance.md built from the library's parts: a World (rules,
// index, mean action, observe) + one shared Network per team (forward) + Boltzmann selection.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "myriad/network.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"
#include "phase_model.hpp"

namespace myriad::bench {

struct ActingOptions {
  uint64_t seed = 1;
  float temperature = 1.0f;     // Boltzmann T
  NetMath math = NetMath::kFp32;  // CUDA networks only
  std::vector<int> hidden{128, 64};
};

// Plays act (per team, TeamPolicy as training and eval use it: forward on the world's buffers →
// Boltzmann select into the world's action buffer) then world.step(). The world must outlive this
// object; it stays on the world's backend.
class ActingStep {
 public:
  ActingStep(World& world, const ActingOptions& o);
  ~ActingStep();
  ActingStep(const ActingStep&) = delete;
  ActingStep& operator=(const ActingStep&) = delete;

  // One acting step. With phase_ms (kBenchPhaseCount entries, BenchPhase order), fills each phase's
  // milliseconds: forward and select by the host clock around synchronised work (CUDA: launch
  // latency included), the world's phases from its own timing (turned on here).
  const StepStats& play(double* phase_ms);

  bool on_device() const { return ops_->on_device(); }
  // Bytes this object holds beside the world: Q values, the networks (parameters, gradient, Adam
  // moments) and their activations for one forward chunk (the inputs are the world's own buffers).
  size_t bytes() const;

 private:
  World& world_;
  ActingOptions opt_;
  std::unique_ptr<TrainerOps> ops_;
  std::vector<std::unique_ptr<TeamPolicy>> teams_;
  std::vector<std::unique_ptr<Network>> nets_;
  uint32_t step_ = 0;
};

// The model input of one acting step of `world` with `alive` agents alive.
ModelInput acting_model(const World& world, double alive);

}  // namespace myriad::bench
