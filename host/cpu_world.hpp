// cpu_world.hpp: the CPU reference backend: the same phases as the CUDA backend, as OpenMP loops
// over the shared rules. What a newcomer without an NVIDIA GPU runs, and what parity tests trust.
#pragma once
#include <vector>

#include "myriad/bf16.hpp"
#include "myriad/world.hpp"

namespace myriad {

class CpuWorld final : public World {
 public:
  explicit CpuWorld(const WorldConfig& cfg);
  const char* backend_name() const override { return "cpu"; }
  void set_actions(const std::vector<uint8_t>& actions) override;
  void act(const std::vector<PolicySpec>& per_group) override;
  HostState snapshot() const override;
  std::vector<float> observation(int64_t i) const override;
  std::vector<float> features(int64_t i) const override;
  std::vector<float> mean_action(int64_t i) const override;
  size_t state_bytes() const override;
  std::vector<uint8_t> render(const RenderParams& rp) override;
  WorldBuffers buffers() override;

  // The raw buffers, for tests of single phases.
  AgentView agents();
  GridView grid();
  TileView tiles() const;

 protected:
  void do_reset(const std::vector<int32_t>& x, const std::vector<int32_t>& y) override;
  StepStats do_step() override;

 private:
  void build_index();
  void compute_mean_action();
  void observe(bool acted);
  StepStats collect_stats() const;

  std::vector<int32_t> x_, y_, killer_, occ_, sorted_, tile_start_, tile_key_;
  std::vector<float> hp_, reward_, prev_reward_, hit_bonus_, mean_, feat_;
  std::vector<uint8_t> alive_, died_, action_, hit_, move_state_, decision_, hc_;
  std::vector<unsigned long long> claim_;
  std::vector<int32_t> minimap_counts_, minimap_div_;
  std::vector<uint32_t> team_counts_;
  std::vector<float> obs_f32_;
  std::vector<Bf16> obs_bf16_;
  int tiles_x_ = 1, tiles_y_ = 1;
};

}  // namespace myriad
