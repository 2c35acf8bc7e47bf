// world.cpp: the backend-independent half of World: derived tables, reset, step bookkeeping,
// state hashing, and backend selection (auto picks CUDA when a device answers).
#include "myriad/world.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "myriad/placement.hpp"

namespace myriad {

World::World(WorldConfig cfg) : cfg_(std::move(cfg)) {
  const std::string err = validate(cfg_);
  if (!err.empty()) throw std::invalid_argument(err);
  n_ = cfg_.n_agents();
  gt_.n_groups = cfg_.n_groups();
  gt_.begin[0] = 0;
  int side = 1, nf = 0;
  for (int g = 0; g < gt_.n_groups; ++g) {
    gt_.type[g] = make_type_params(cfg_.groups[g].type);
    gt_.begin[g + 1] = gt_.begin[g] + cfg_.groups[g].count;
    side = std::max(side, view_side(cfg_, g));
    nf = std::max(nf, n_features(cfg_, g));
  }
  layout_.view_side = side;
  layout_.per_group = cfg_.minimap ? 3 : 2;
  layout_.channels = obs_channels(cfg_);
  layout_.n_features = nf;
  layout_.minimap = cfg_.minimap ? 1 : 0;
  layout_.bin_w = (cfg_.width + side - 1) / side;
  layout_.bin_h = (cfg_.height + side - 1) / side;
  ma_.half = static_cast<int>(std::floor(cfg_.mean_radius));
  ma_.radius = cfg_.mean_radius;
  ma_.k_stride = max_actions(cfg_);
  ma_.euclidean = cfg_.mean_metric == Metric::kEuclidean ? 1 : 0;
  ma_.gather = ma_.euclidean || cfg_.mean_method == MeanActionMethod::kGather ||
               (cfg_.mean_method == MeanActionMethod::kAuto &&
                chebyshev_gather_is_cheaper(n_, static_cast<int64_t>(cfg_.width) * cfg_.height,
                                            gt_.n_groups, ma_.k_stride, ma_.half));
  wall_ = build_walls(cfg_);
  group_of_.resize(static_cast<size_t>(n_));
  for (int g = 0; g < gt_.n_groups; ++g)
    for (int64_t i = gt_.begin[g]; i < gt_.begin[g + 1]; ++i) group_of_[static_cast<size_t>(i)] = static_cast<uint8_t>(g);
}

void World::reset(uint64_t seed) { reset(seed, place_agents(cfg_, wall_, seed)); }

void World::reset(uint64_t seed, const std::vector<std::pair<int, int>>& positions) {
  if (static_cast<int64_t>(positions.size()) != n_)
    throw std::invalid_argument("reset: " + std::to_string(positions.size()) + " positions for " +
                                std::to_string(n_) + " agents");
  std::vector<uint8_t> taken(wall_.size(), 0);
  std::vector<int32_t> x(static_cast<size_t>(n_)), y(static_cast<size_t>(n_));
  for (int64_t i = 0; i < n_; ++i) {
    const auto [px, py] = positions[static_cast<size_t>(i)];
    if (px < 0 || py < 0 || px >= cfg_.width || py >= cfg_.height)
      throw std::invalid_argument("reset: agent " + std::to_string(i) + " is off the map");
    const size_t c = static_cast<size_t>(py) * cfg_.width + px;
    if (wall_[c] || taken[c])
      throw std::invalid_argument("reset: agent " + std::to_string(i) + " is placed on a wall or another agent");
    taken[c] = 1;
    x[static_cast<size_t>(i)] = px;
    y[static_cast<size_t>(i)] = py;
  }
  seed_ = seed;
  t_ = 0;
  do_reset(x, y);
  phase_times_ = PhaseTimes{};  // a reset is not part of any step
  last_ = StepStats{};
  last_.n_groups = gt_.n_groups;
  for (int g = 0; g < gt_.n_groups; ++g) last_.alive[g] = cfg_.groups[g].count;
}

const StepStats& World::step() {
  if (done()) throw std::logic_error("step() after the episode ended; call reset()");
  last_ = do_step();
  if (phase_timing_) {
    last_phase_times_ = phase_times_;
    phase_times_ = PhaseTimes{};
  }
  ++t_;
  last_.step = t_;
  last_.n_groups = gt_.n_groups;
  last_.done = false;
  for (int g = 0; g < gt_.n_groups; ++g) last_.done = last_.done || last_.alive[g] == 0;
  last_.truncated = !last_.done && t_ >= cfg_.max_steps;
  return last_;
}

void World::check_actions(const std::vector<uint8_t>& actions) const {
  if (static_cast<int64_t>(actions.size()) != n_)
    throw std::invalid_argument("set_actions: " + std::to_string(actions.size()) + " actions for " +
                                std::to_string(n_) + " agents");
  for (int64_t i = 0; i < n_; ++i)
    if (actions[i] >= gt_.type[group_of_[i]].n_actions())
      throw std::invalid_argument("set_actions: action " + std::to_string(actions[i]) + " of agent " +
                                  std::to_string(i) + " is out of range");
}

void World::check_policies(const std::vector<PolicySpec>& per_group) const {
  if (static_cast<int>(per_group.size()) != gt_.n_groups)
    throw std::invalid_argument("act: " + std::to_string(per_group.size()) + " policies for " +
                                std::to_string(gt_.n_groups) + " groups");
  for (int g = 0; g < gt_.n_groups; ++g) {
    const PolicySpec& p = per_group[g];
    const int k = gt_.type[g].n_actions();
    if (p.kind == PolicyKind::kRandom && p.hi >= 0 && (p.lo < 0 || p.lo > p.hi || p.hi >= k))
      throw std::invalid_argument("policy random:" + std::to_string(p.lo) + "-" + std::to_string(p.hi) +
                                  " for group " + std::to_string(g) + ": actions are 0-" + std::to_string(k - 1));
  }
}

namespace {
template <typename T>
void fnv(uint64_t& h, const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  for (size_t k = 0; k < v.size() * sizeof(T); ++k) { h ^= p[k]; h *= 1099511628211ULL; }
}
}  // namespace

uint64_t HostState::hash() const {
  uint64_t h = 1469598103934665603ULL;
  fnv(h, x); fnv(h, y); fnv(h, occ); fnv(h, hp); fnv(h, reward);
  fnv(h, alive); fnv(h, died); fnv(h, group); fnv(h, action);
  return h;
}

BackendKind parse_backend(const std::string& s) {
  if (s == "auto") return BackendKind::kAuto;
  if (s == "cpu") return BackendKind::kCpu;
  if (s == "cuda") return BackendKind::kCuda;
  throw std::invalid_argument("--backend must be auto, cpu or cuda (got '" + s + "')");
}

std::unique_ptr<World> make_world(BackendKind kind, const WorldConfig& cfg) {
  if (kind == BackendKind::kCpu) return make_cpu_world(cfg);
  const bool gpu = cuda_device_available();
  if (kind == BackendKind::kCuda && !gpu)
    throw std::runtime_error("--backend cuda: no CUDA device answers on this machine; use --backend cpu or auto");
  if (kind == BackendKind::kCuda) return make_cuda_world(cfg);
  if (!gpu) return make_cpu_world(cfg);
  try {  // auto: a device that answers but cannot hold this world falls back to the CPU, loudly
    return make_cuda_world(cfg);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "myriad: backend auto: CUDA unusable (%s); using the cpu backend\n", e.what());
    return make_cpu_world(cfg);
  }
}

}  // namespace myriad
