// acting_step.hpp: the acting step of performance.md built from the library's parts: a World (rules,
// index, mean action, observe) + one shared QNetwork per team (forward) + Boltzmann selection.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "myriad/network.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"
#include "phase_model.hpp"

namespace myriad::bench {

struct ActingOptions {
  uint64_t seed = 1;
  float temperature = 1.0f;     // Boltzmann T
  int64_t chunk_rows = 1 << 20;  // network rows forwarded at a time (bounds the activations' memory)
  NetMath math = NetMath::kFp32;  // CUDA networks only
  std::vector<int> hidden{128, 64};
};

// Plays act (per team: network input → forward → select, writing the world's action buffer) then
// world.step(). The world must outlive this object; it stays on the world's backend.
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
  int64_t input_width() const { return width_; }
  // Bytes this object holds beside the world: Q values, the networks (parameters, gradient, Adam
  // moments) and their activations for one chunk (the inputs are the world's own buffers).
  size_t bytes() const;
  QNetwork& network(int team) { return *nets_[static_cast<size_t>(team)]; }

 private:
  void act_team(int team, double* forward_ms, double* select_ms);

  World& world_;
  ActingOptions opt_;
  std::unique_ptr<TrainerOps> ops_;
  std::vector<std::unique_ptr<QNetwork>> nets_;
  int64_t width_ = 0, chunk_ = 0, max_team_ = 0;
  int n_actions_ = 0;
  float* q_ = nullptr;  // [largest team][n_actions]
  uint32_t step_ = 0;
};

// The model input of one acting step of `world` with `alive` agents alive.
ModelInput acting_model(const World& world, double alive);

}  // namespace myriad::bench
