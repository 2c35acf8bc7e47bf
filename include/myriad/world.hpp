// world.hpp: World, one game world on a backend: it owns the agents', map's and observations' buffers
// (Buffer<T> of the backend), the derived tables (groups, layouts), the step counter and the map set-up,
// and plays each step with the backend's world program (engine/world_phases.hpp, written once for both
// backends). Every buffer lives where the backend computes; the host reads results through copies.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/config.hpp"
#include "myriad/engine/world_state.hpp"
#include "myriad/phase_timer.hpp"
#include "myriad/rules/policy.hpp"
#include "myriad/rules/render.hpp"

namespace myriad {

// What one step did, per group. Copied to the host once per step (a few hundred bytes).
struct StepStats {
  int64_t step = 0;        // steps played since reset, this one included
  int n_groups = 0;
  int64_t alive[kMaxGroups] = {};
  int64_t deaths[kMaxGroups] = {};    // agents of the group that died in the step
  int64_t kills[kMaxGroups] = {};     // killing blows dealt by the group
  int64_t hits[kMaxGroups] = {};      // non-lethal hits (tags, bites) dealt by the group
  long long reward_fixed[kMaxGroups] = {};  // sum of rewards in 2^-20 units (order-free)
  double reward(int g) const { return static_cast<double>(reward_fixed[g]) / 1048576.0; }
  bool done = false;       // a group has no agents left
  bool truncated = false;  // max_steps reached
};

// Where the world keeps one group's per-agent buffers: pointers to its first agent, in the backend's
// memory (device pointers on CUDA: on_device). Valid until the world is destroyed.
struct GroupBuffers {
  bool on_device = false;
  int64_t count = 0;                // agents of the group
  const float* obs_f32 = nullptr;   // [count][row_stride] when the dtype is f32, else null
  const Bf16* obs_bf16 = nullptr;   // [count][row_stride] when bf16, else null
  int64_t view_size = 0;            // values of a view (obs_stride)
  int64_t row_stride = 0;           // pitch of a view row (>= view_size, a multiple of 8)
  const float* features = nullptr;  // [count][n_features]
  int n_features = 0;
  const float* mean_action = nullptr;  // [count][k_stride]
  int k_stride = 0;
  const float* reward = nullptr;    // [count] reward of the step just played
  const uint8_t* alive = nullptr;   // [count]
  const uint8_t* died = nullptr;    // [count] died in the step just played
  uint8_t* action = nullptr;        // [count] actions of the next step (a learner writes them here)
  const int32_t* x = nullptr;       // [count] positions (a multi-cell body's anchor)
  const int32_t* y = nullptr;
};

// A host copy of the state, for tests, conformance and debugging.
struct HostState {
  std::vector<int32_t> x, y, occ;
  std::vector<float> hp, reward;
  std::vector<uint8_t> alive, died, group, action, wall;
  uint64_t hash() const;  // FNV-1a over every field, floats by their bits
};

class World {
 public:
  // Validates cfg (std::invalid_argument with validate's message) and checks that its buffers fit the
  // backend's memory (std::runtime_error saying how many agents would).
  World(std::shared_ptr<Backend> backend, WorldConfig cfg);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Backend& backend() { return *be_; }
  const std::shared_ptr<Backend>& backend_ptr() const { return be_; }
  const char* backend_name() const { return be_->name(); }
  const WorldConfig& config() const { return cfg_; }
  const GroupTable& groups() const { return state_.gt; }
  int n_groups() const { return state_.gt.n_groups; }
  const ObsLayout& obs_layout(int group) const { return state_.obs.g[group]; }
  const MeanActionParams& mean_params() const { return state_.ma; }
  // The groups (bit g) whose ā is the nearest-agents one (MFQMIX's) from the next step on, whatever the
  // world's mean-action mode (a mode of kNearest gives it to every group anyway).
  void set_nearest_groups(uint32_t mask) { state_.ma.nearest_groups = mask; }
  int64_t n_agents() const { return n_; }
  int64_t step_index() const { return t_; }
  uint64_t seed() const { return seed_; }
  bool done() const { return last_.done || last_.truncated; }
  const StepStats& last_stats() const { return last_; }

  // Walls and start positions as the config says (the game's generator or uniform), observes, t = 0.
  void reset(uint64_t seed);
  // Agent slot k starts with its anchor at positions[k] (group 0's agents first); the config's walls
  // (and its random walls drawn from seed). Throws std::invalid_argument naming the agent that does not fit.
  // The positions of slots that do not take part (set_population) are not read.
  void reset(uint64_t seed, const std::vector<Cell>& positions);
  // From the next reset on, only the first per_group[g] agents of each group take part (placed as the
  // config places that many; the others start dead, off the map): a population that grows over the
  // episodes on a fixed map and fixed buffers. Throws std::invalid_argument unless every count is in
  // [1, the group's size] (0 for an empty group).
  void set_population(const std::vector<int64_t>& per_group);
  int64_t population(int group) const { return state_.gt.present[group]; }
  // Plays one step with the actions in the action buffer (set_actions, act or a learner).
  const StepStats& step();

  void set_actions(const std::vector<uint8_t>& actions);  // one per agent, each in its group's range
  void act(const std::vector<PolicySpec>& per_group);     // one spec per group
  HostState snapshot() const;
  std::vector<float> observation(int64_t i) const;  // V·V·C floats of agent i's group, [row][col][ch]
  std::vector<float> features(int64_t i) const;
  std::vector<float> mean_action(int64_t i) const;  // k_stride floats
  size_t state_bytes() const { return bytes_; }     // bytes this world holds on its backend
  // The raster of the current state (rules/render.hpp), width·height·3 bytes, RGB8, row-major.
  // Throws std::invalid_argument when rp does not fit this map (see fit_render).
  std::vector<uint8_t> render(const RenderParams& rp);
  void synchronize() { be_->synchronize(); }
  GroupBuffers group_buffers(int group);

  // Per-phase timing: off by default, and then free (no clock read, no event). When on,
  // last_phase_times() holds the phases of the last step() and the act() before it.
  void set_phase_timing(bool on);
  bool phase_timing() const { return clock_ != nullptr; }
  const PhaseTimes& last_phase_times() const { return last_phase_times_; }

  // Bytes a world of cfg holds on a backend (the buffers, the primitives' scratch excluded).
  static size_t planned_bytes(const WorldConfig& cfg, bool on_device);
  // Host bytes a reset of cfg holds at its peak beside the buffers: the wall grid and its kept copy,
  // the placement's occupancy and, when cells are drawn at random, a 64-bit key per free cell; the
  // start positions.
  static size_t reset_host_bytes(const WorldConfig& cfg);
  // Throws std::runtime_error (one line: what the world needs, what is usable, the largest population
  // on this map or the map side that would fit) when cfg's world does not fit be's memory, or on CUDA
  // when its set-up does not fit the host's.
  static void check_memory(const WorldConfig& cfg, const Backend& be);

 private:
  void check_actions(const std::vector<uint8_t>& actions) const;
  void check_agent(int64_t i) const;
  void upload_walls(std::vector<uint8_t> wall);
  void reset_at(uint64_t seed, std::vector<uint8_t> wall, const std::vector<Cell>& positions);

  std::shared_ptr<Backend> be_;
  WorldConfig cfg_;
  int64_t n_ = 0;
  int64_t t_ = 0;
  int64_t tiles_sorted_at_ = -1;  // the step whose state the tile index holds (-1: none)
  uint64_t seed_ = 0;
  size_t bytes_ = 0;
  StepStats last_{};
  std::vector<uint8_t> group_of_;  // host copy of the agents' groups
  std::vector<uint8_t> wall_;      // host copy of the walls in use
  std::unique_ptr<PhaseClock> clock_;
  PhaseTimes last_phase_times_{};
  WorldState state_{};
  struct Buffers;
  std::unique_ptr<Buffers> buf_;
};

// A world with its own backend (tests, tools). kAuto falls back to the CPU, loudly, when the device
// cannot hold the world. Throws std::runtime_error naming the problem (cuda without a device).
std::unique_ptr<World> make_world(BackendKind kind, const WorldConfig& cfg);
std::unique_ptr<World> make_cpu_world(const WorldConfig& cfg);
std::unique_ptr<World> make_cuda_world(const WorldConfig& cfg);
// Render parameters that show the crop [x, x+w) × [y, y+h) (all four 0: the whole map) in at most
// max_side pixels a side: max-pooling when the crop is larger, else up to 8 pixels per cell.
// Throws std::invalid_argument naming the problem (crop off the map, max_side < 1).
RenderParams fit_render(const WorldConfig& cfg, int max_side = 1024, int crop_x = 0, int crop_y = 0,
                        int crop_w = 0, int crop_h = 0);

}  // namespace myriad
