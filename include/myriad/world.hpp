// world.hpp: the World interface both backends implement (architecture.md §2). The base class
// owns the config, the derived tables, the step counter and the placement; a backend owns the
// buffers and runs the phases of one step with the shared rules.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include "myriad/config.hpp"
#include "myriad/phase_timer.hpp"
#include "myriad/rules/mean_action.hpp"
#include "myriad/rules/observe.hpp"
#include "myriad/rules/policy.hpp"
#include "myriad/rules/render.hpp"
#include "myriad/views.hpp"

namespace myriad {

enum class BackendKind { kAuto, kCpu, kCuda };

// What one step did, per group. Copied to the host once per step (a few hundred bytes).
struct StepStats {
  int64_t step = 0;        // steps played since reset, this one included
  int n_groups = 0;
  int64_t alive[kMaxGroups] = {};
  int64_t kills[kMaxGroups] = {};     // killing blows dealt by the group
  int64_t hits[kMaxGroups] = {};      // non-lethal hits dealt by the group
  long long reward_fixed[kMaxGroups] = {};  // sum of rewards in 2^-20 units (order-free)
  double reward(int g) const { return static_cast<double>(reward_fixed[g]) / 1048576.0; }
  bool done = false;       // a group has no agents left
  bool truncated = false;  // max_steps reached
};

// Where a backend keeps the per-agent buffers a learner reads and writes: host pointers on the
// CPU backend, device pointers on the CUDA backend (on_device). Valid until the world is destroyed.
struct WorldBuffers {
  bool on_device = false;
  const float* obs_f32 = nullptr;   // [n][row_stride] (obs_stride values, zero padding) when f32, else null
  const Bf16* obs_bf16 = nullptr;   // [n][row_stride] when the config's dtype is bf16, else null
  const float* features = nullptr;  // [n][n_features]
  const float* mean_action = nullptr;  // [n][k_stride]
  const float* reward = nullptr;    // [n] reward of the step just played
  const uint8_t* alive = nullptr;   // [n]
  const uint8_t* died = nullptr;    // [n] died in the step just played
  uint8_t* action = nullptr;        // [n] actions of the next step (a learner writes them here)
};

// A host copy of the state, for tests, conformance and debugging.
struct HostState {
  std::vector<int32_t> x, y, occ;
  std::vector<float> hp, reward;
  std::vector<uint8_t> alive, died, group, action;
  uint64_t hash() const;  // FNV-1a over every field, floats by their bits
};

class World {
 public:
  explicit World(WorldConfig cfg);
  virtual ~World() = default;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const WorldConfig& config() const { return cfg_; }
  const GroupTable& groups() const { return gt_; }
  const ObsLayout& obs_layout() const { return layout_; }
  const MeanActionParams& mean_params() const { return ma_; }
  int64_t n_agents() const { return n_; }
  int64_t step_index() const { return t_; }
  uint64_t seed() const { return seed_; }
  bool done() const { return last_.done || last_.truncated; }
  const StepStats& last_stats() const { return last_; }

  // Places the agents as the config says (blocks or random), observes, and sets t = 0.
  void reset(uint64_t seed);
  // Places agent id k at positions[k] (ids red 0..n_red-1, then blue, ...).
  void reset(uint64_t seed, const std::vector<std::pair<int, int>>& positions);
  // Plays one step with the actions already in the action buffer (set_actions or act).
  const StepStats& step();

  virtual const char* backend_name() const = 0;
  virtual void set_actions(const std::vector<uint8_t>& actions) = 0;
  virtual void act(const std::vector<PolicySpec>& per_group) = 0;  // one spec per group
  virtual HostState snapshot() const = 0;
  virtual std::vector<float> observation(int64_t i) const = 0;  // V·V·C floats, [row][col][ch]
  virtual std::vector<float> features(int64_t i) const = 0;
  virtual std::vector<float> mean_action(int64_t i) const = 0;  // k_stride floats
  virtual size_t state_bytes() const = 0;  // bytes the backend holds for this world
  // The raster of the current state (rules/render.hpp), width·height·3 bytes, RGB8, row-major.
  // Throws std::invalid_argument when rp does not fit this map (see fit_render).
  virtual std::vector<uint8_t> render(const RenderParams& rp) = 0;
  virtual void synchronize() {}
  virtual WorldBuffers buffers() = 0;

  // Per-phase timing (phase_timer.hpp): off by default, and then free (no clock read, no event).
  // When on, last_phase_times() holds the phases of the last step() and the act() before it.
  void set_phase_timing(bool on) {
    phase_timing_ = on;
    phase_times_ = PhaseTimes{};
    last_phase_times_ = PhaseTimes{};
  }
  bool phase_timing() const { return phase_timing_; }
  const PhaseTimes& last_phase_times() const { return last_phase_times_; }

 protected:
  virtual void do_reset(const std::vector<int32_t>& x, const std::vector<int32_t>& y) = 0;
  // Throws std::invalid_argument unless there is one spec per group with 0 <= lo <= hi < actions.
  void check_policies(const std::vector<PolicySpec>& per_group) const;
  // Throws std::invalid_argument unless there is one action per agent, each in its group's range.
  void check_actions(const std::vector<uint8_t>& actions) const;
  virtual StepStats do_step() = 0;  // rules, index, mean action, observe; t_ is the step played
  // Where a backend adds its phase times for the step in progress; nullptr while timing is off.
  PhaseTimes* phase_sink() { return phase_timing_ ? &phase_times_ : nullptr; }

  WorldConfig cfg_;
  GroupTable gt_{};
  ObsLayout layout_{};
  MeanActionParams ma_{};
  std::vector<uint8_t> wall_;  // host copy of the static walls
  std::vector<uint8_t> group_of_;
  int64_t n_ = 0;
  int64_t t_ = 0;
  uint64_t seed_ = 0;
  StepStats last_{};
  bool phase_timing_ = false;
  PhaseTimes phase_times_{};       // the step in progress (act included)
  PhaseTimes last_phase_times_{};  // the last step played
};

bool cuda_device_available();
// Throws std::runtime_error naming the problem (e.g. --backend cuda without a device).
std::unique_ptr<World> make_world(BackendKind kind, const WorldConfig& cfg);
std::unique_ptr<World> make_cpu_world(const WorldConfig& cfg);
std::unique_ptr<World> make_cuda_world(const WorldConfig& cfg);  // defined in kernels/
BackendKind parse_backend(const std::string& s);  // throws std::invalid_argument
// Render parameters that show the crop [x, x+w) × [y, y+h) (all four 0: the whole map) in at most
// max_side pixels a side: max-pooling when the crop is larger, else up to 8 pixels per cell.
// Throws std::invalid_argument naming the problem (crop off the map, max_side < 1).
RenderParams fit_render(const WorldConfig& cfg, int max_side = 1024, int crop_x = 0, int crop_y = 0,
                        int crop_w = 0, int crop_h = 0);

}  // namespace myriad
