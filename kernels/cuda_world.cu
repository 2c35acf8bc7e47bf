// cuda_world.cu: CudaWorld, the CUDA backend: it owns the device buffers and one stream, and plays
// CpuWorld's phases in CpuWorld's order by launching the thin kernels of the other kernels/*.cu.
#include <cuda_runtime.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "cuda_stream.cuh"
#include "cuda_world.cuh"
#include "phase_events.cuh"
#include "myriad/cuda_check.hpp"
#include "myriad/device_buffer.hpp"

namespace myriad {
namespace {

using gpu::CudaStream;  // the world's stream: declared first in CudaWorld, so destroyed after the buffers

class CudaWorld final : public World {
 public:
  explicit CudaWorld(const WorldConfig& cfg);
  ~CudaWorld() override { MYRIAD_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(stream_.get())); }
  const char* backend_name() const override { return "cuda"; }
  void set_actions(const std::vector<uint8_t>& actions) override;
  void act(const std::vector<PolicySpec>& per_group) override;
  HostState snapshot() const override;
  std::vector<float> observation(int64_t i) const override;
  std::vector<float> features(int64_t i) const override;
  std::vector<float> mean_action(int64_t i) const override;
  size_t state_bytes() const override;
  std::vector<uint8_t> render(const RenderParams& rp) override;
  WorldBuffers buffers() override;
  void synchronize() override { MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get())); }

 protected:
  void do_reset(const std::vector<int32_t>& x, const std::vector<int32_t>& y) override;
  StepStats do_step() override;

 private:
  // Calls f(buffer, element count) for every device buffer: one list for the memory check, the
  // allocation, the zeroing and state_bytes().
  template <typename Self, typename F>
  static void for_each_buffer(Self& self, F&& f);
  AgentView agents();
  GridView grid();
  TileView tiles() const;
  void build_index();
  void compute_mean_action();
  void observe(bool acted);
  template <typename T>
  void upload(DeviceBuffer<T>& d_dst, const std::vector<T>& h_src);
  template <typename T>
  std::vector<T> download(const DeviceBuffer<T>& d_src, int64_t first, int64_t count) const;
  void check_agent(int64_t i) const;
  PhaseEvents* phase_events() { return phase_timing_ ? &events_ : nullptr; }

  CudaStream stream_;
  PhaseEvents events_;
  int tiles_x_ = 1, tiles_y_ = 1;
  int64_t n_tiles_ = 1;
  int end_bit_ = 1;
  size_t sort_temp_bytes_ = 0;
  // Agents (n each).
  DeviceBuffer<int32_t> d_x_, d_y_, d_killer_;
  DeviceBuffer<float> d_hp_, d_reward_, d_prev_reward_, d_hit_bonus_;
  DeviceBuffer<uint8_t> d_alive_, d_died_, d_group_, d_action_, d_hit_, d_move_state_, d_decision_;
  // Map (W·H each) and tile index.
  DeviceBuffer<int32_t> d_occ_;
  DeviceBuffer<uint8_t> d_wall_;
  DeviceBuffer<unsigned long long> d_claim_;
  DeviceBuffer<uint32_t> d_tile_keys_, d_sorted_keys_;
  DeviceBuffer<int32_t> d_ids_, d_sorted_ids_, d_tile_start_;
  DeviceBuffer<unsigned char> d_sort_temp_;
  // Mean action, observations, stats.
  DeviceBuffer<float> d_mean_, d_feat_, d_obs_f32_;
  DeviceBuffer<Bf16> d_obs_bf16_;
  DeviceBuffer<uint8_t> d_hc_;
  DeviceBuffer<uint32_t> d_team_counts_;
  DeviceBuffer<int32_t> d_minimap_counts_, d_minimap_div_;
  DeviceBuffer<gpu::DeviceStats> d_stats_;
};

template <typename Self, typename F>
void CudaWorld::for_each_buffer(Self& w, F&& f) {
  const auto n = static_cast<size_t>(w.n_);
  const size_t cells = w.wall_.size();
  const auto G = static_cast<size_t>(w.gt_.n_groups);
  const auto V = static_cast<size_t>(w.layout_.view_side);
  const auto k_stride = static_cast<size_t>(w.ma_.k_stride);
  const size_t obs = n * static_cast<size_t>(w.layout_.row_stride());
  const bool bf16 = w.cfg_.obs_dtype == ObsDtype::kBf16;
  const bool sliding = w.cfg_.mean_mode == MeanActionMode::kRadius && !w.ma_.gather;
  f(w.d_x_, n); f(w.d_y_, n); f(w.d_killer_, n);
  f(w.d_hp_, n); f(w.d_reward_, n); f(w.d_prev_reward_, n); f(w.d_hit_bonus_, n);
  f(w.d_alive_, n); f(w.d_died_, n); f(w.d_group_, n); f(w.d_action_, n); f(w.d_hit_, n);
  f(w.d_move_state_, n); f(w.d_decision_, n);
  f(w.d_occ_, cells); f(w.d_wall_, cells); f(w.d_claim_, cells);
  f(w.d_tile_keys_, n); f(w.d_sorted_keys_, n); f(w.d_ids_, n); f(w.d_sorted_ids_, n);
  f(w.d_tile_start_, static_cast<size_t>(w.n_tiles_) + 2);
  f(w.d_sort_temp_, w.sort_temp_bytes_);
  f(w.d_mean_, n * k_stride);
  f(w.d_feat_, n * static_cast<size_t>(w.layout_.n_features));
  f(w.d_obs_f32_, bf16 ? 0 : obs);
  f(w.d_obs_bf16_, bf16 ? obs : 0);
  f(w.d_hc_, sliding ? G * cells * k_stride : 0);
  f(w.d_team_counts_, static_cast<size_t>(kMaxGroups) * kMaxActions);
  f(w.d_minimap_counts_, G * V * V);
  f(w.d_minimap_div_, G);
  f(w.d_stats_, 1);
}

CudaWorld::CudaWorld(const WorldConfig& cfg) : World(cfg) {
  tiles_x_ = (cfg_.width + cfg_.tile_size - 1) / cfg_.tile_size;
  tiles_y_ = (cfg_.height + cfg_.tile_size - 1) / cfg_.tile_size;
  n_tiles_ = static_cast<int64_t>(tiles_x_) * tiles_y_;
  end_bit_ = gpu::tile_key_bits(n_tiles_);
  sort_temp_bytes_ = gpu::tile_sort_temp_bytes(n_, end_bit_);

  size_t need = 0;
  for_each_buffer(*this, [&need](auto& b, size_t count) {
    need += count * sizeof(typename std::decay_t<decltype(b)>::value_type);
  });
  size_t free_bytes = 0, total_bytes = 0;
  MYRIAD_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  // Headroom for what the buffer list does not count: per-thread local memory of the kernels
  // (reserved at their first launch), allocation granularity, and the context's own use.
  const size_t reserve = (size_t{512} << 20) + free_bytes / 50;
  const size_t usable = free_bytes > reserve ? free_bytes - reserve : 0;
  const size_t per_agent = (need + static_cast<size_t>(n_) - 1) / static_cast<size_t>(n_);
  const std::string advice = " (" + std::to_string(per_agent) + " bytes per agent, map included; about " +
                             std::to_string(usable / per_agent) +
                             " agents would fit at this density); use a smaller --agents-per-team, "
                             "--obs-dtype bf16, or --backend cpu";
  if (need > usable)
    throw std::runtime_error("CUDA backend: this world needs " + std::to_string(need) +
                             " bytes of device memory but only " + std::to_string(usable) +
                             " bytes are usable (" + std::to_string(free_bytes) + " free less " +
                             std::to_string(reserve) + " reserved)" + advice);
  try {
    for_each_buffer(*this, [](auto& b, size_t count) { b = std::decay_t<decltype(b)>(count); });
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + advice);
  }
  const cudaStream_t s = stream_.get();
  for_each_buffer(*this, [s](auto& b, size_t) { b.zero(s); });
  upload(d_wall_, wall_);
  upload(d_group_, group_of_);
  gpu::launch_iota(d_ids_.data(), n_, s);
  synchronize();
}

AgentView CudaWorld::agents() {
  return AgentView{n_, d_x_.data(), d_y_.data(), d_hp_.data(), d_alive_.data(), d_died_.data(),
                   d_group_.data(), d_action_.data(), d_reward_.data(), d_prev_reward_.data(),
                   d_killer_.data(), d_hit_.data(), d_hit_bonus_.data(), d_move_state_.data(),
                   d_decision_.data()};
}

GridView CudaWorld::grid() {
  return GridView{MapDims{cfg_.width, cfg_.height}, d_occ_.data(), d_wall_.data(), d_claim_.data()};
}

TileView CudaWorld::tiles() const {
  return TileView{cfg_.tile_size, tiles_x_, tiles_y_, d_sorted_ids_.data(), d_tile_start_.data()};
}

template <typename T>
void CudaWorld::upload(DeviceBuffer<T>& d_dst, const std::vector<T>& h_src) {
  if (h_src.size() != d_dst.size()) throw std::logic_error("CudaWorld: upload of a wrongly sized vector");
  if (h_src.empty()) return;
  MYRIAD_CUDA_CHECK(cudaMemcpyAsync(d_dst.data(), h_src.data(), d_dst.bytes(), cudaMemcpyHostToDevice,
                                    stream_.get()));
}

// Copies elements [first, first + count) to the host (waits for the stream).
template <typename T>
std::vector<T> CudaWorld::download(const DeviceBuffer<T>& d_src, int64_t first, int64_t count) const {
  std::vector<T> h_dst(static_cast<size_t>(count));
  if (count > 0)
    MYRIAD_CUDA_CHECK(cudaMemcpyAsync(h_dst.data(), d_src.data() + first, static_cast<size_t>(count) * sizeof(T),
                                      cudaMemcpyDeviceToHost, stream_.get()));
  MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_.get()));
  return h_dst;
}

void CudaWorld::check_agent(int64_t i) const {
  if (i < 0 || i >= n_)
    throw std::out_of_range("agent " + std::to_string(i) + " out of range [0, " + std::to_string(n_) + ")");
}

void CudaWorld::do_reset(const std::vector<int32_t>& x, const std::vector<int32_t>& y) {
  const cudaStream_t s = stream_.get();
  events_.forget();  // a policy timed before a reset belongs to no step
  upload(d_x_, x);
  upload(d_y_, y);
  gpu::launch_reset_agents(agents(), gt_, s);  // hp, action = stay, alive, died, rewards
  d_claim_.zero(s);
  build_index();
  d_mean_.zero(s);  // no action played yet
  observe(false);
  synchronize();  // x and y are the caller's vectors
}

StepStats CudaWorld::do_step() {
  const AgentView a = agents();
  const GridView g = grid();
  const cudaStream_t s = stream_.get();
  PhaseEvents* ev = phase_events();
  {
    CudaPhaseScope scope(Phase::kAttack, ev, s);
    d_died_.zero(s);
    gpu::launch_attacks(a, g, gt_, seed_, t_, s);   // resolve_hits, classify_hit
  }
  {
    CudaPhaseScope scope(Phase::kRecovery, ev, s);
    gpu::launch_recovery(a, g, gt_, s);             // recover_and_clear
  }
  {
    CudaPhaseScope scope(Phase::kMove, ev, s);
    gpu::launch_moves(a, g, gt_, seed_, t_, s);     // begin_move, kMaxMoveRounds × (claim, apply)
  }
  {
    CudaPhaseScope scope(Phase::kReward, ev, s);
    gpu::launch_rewards(a, gt_, s);                 // compute_reward
  }
  {
    CudaPhaseScope scope(Phase::kStats, ev, s);
    gpu::launch_stats(a, d_stats_.data(), s);       // before the index: as CpuWorld::collect_stats
  }
  {
    CudaPhaseScope scope(Phase::kIndex, ev, s);
    build_index();
  }
  {
    CudaPhaseScope scope(Phase::kMeanAction, ev, s);
    compute_mean_action();
  }
  {
    CudaPhaseScope scope(Phase::kObserve, ev, s);
    observe(true);
  }
  // The one copy of the step: the stats (the kernels after the stats do not touch them).
  gpu::DeviceStats h_stats{};
  MYRIAD_CUDA_CHECK(cudaMemcpyAsync(&h_stats, d_stats_.data(), sizeof h_stats, cudaMemcpyDeviceToHost, s));
  synchronize();
  if (PhaseTimes* pt = phase_sink()) events_.read(*pt);  // the events are complete: no extra wait
  else events_.forget();
  StepStats out{};
  for (int gg = 0; gg < gt_.n_groups; ++gg) {
    out.alive[gg] = static_cast<int64_t>(h_stats.v[gpu::kStatAlive][gg]);
    out.kills[gg] = static_cast<int64_t>(h_stats.v[gpu::kStatKills][gg]);
    out.hits[gg] = static_cast<int64_t>(h_stats.v[gpu::kStatHits][gg]);
    out.reward_fixed[gg] = static_cast<long long>(h_stats.v[gpu::kStatReward][gg]);
  }
  return out;
}

void CudaWorld::build_index() {
  const gpu::IndexBuffers b{d_tile_keys_.data(), d_sorted_keys_.data(), d_ids_.data(), d_sorted_ids_.data(),
                            d_tile_start_.data(), d_sort_temp_.data(), sort_temp_bytes_, end_bit_};
  gpu::launch_build_index(agents(), grid(), tiles(), b, stream_.get());
}

void CudaWorld::compute_mean_action() {
  gpu::launch_mean_action(cfg_.mean_mode, agents(), grid(), gt_, ma_, d_hc_.data(),
                          d_team_counts_.data(), d_mean_.data(), stream_.get());
}

void CudaWorld::observe(bool acted) {
  const gpu::ObsBuffers b{d_obs_f32_.size() > 0 ? d_obs_f32_.data() : nullptr,
                          d_obs_bf16_.size() > 0 ? d_obs_bf16_.data() : nullptr, d_feat_.data(),
                          d_minimap_counts_.data(), d_minimap_div_.data()};
  gpu::launch_observe(agents(), grid(), gt_, layout_, b, acted, stream_.get());
}

void CudaWorld::set_actions(const std::vector<uint8_t>& actions) {
  check_actions(actions);
  upload(d_action_, actions);
  synchronize();  // `actions` is the caller's
}

void CudaWorld::act(const std::vector<PolicySpec>& per_group) {
  check_policies(per_group);
  gpu::PolicyTable pt{};
  for (int gg = 0; gg < gt_.n_groups; ++gg) pt.spec[gg] = per_group[gg];
  CudaPhaseScope scope(Phase::kPolicy, phase_events(), stream_.get());
  gpu::launch_policy(pt, agents(), grid(), gt_, tiles(), seed_, t_, stream_.get());
}

HostState CudaWorld::snapshot() const {
  HostState h;
  h.x = download(d_x_, 0, n_);
  h.y = download(d_y_, 0, n_);
  h.occ = download(d_occ_, 0, static_cast<int64_t>(d_occ_.size()));
  h.hp = download(d_hp_, 0, n_);
  h.reward = download(d_reward_, 0, n_);
  h.alive = download(d_alive_, 0, n_);
  h.died = download(d_died_, 0, n_);
  h.group = group_of_;
  h.action = download(d_action_, 0, n_);
  return h;
}

std::vector<float> CudaWorld::observation(int64_t i) const {
  check_agent(i);
  const int64_t count = layout_.obs_stride(), pitch = layout_.row_stride();
  if (cfg_.obs_dtype == ObsDtype::kF32) return download(d_obs_f32_, i * pitch, count);
  const std::vector<Bf16> raw = download(d_obs_bf16_, i * pitch, count);
  std::vector<float> v(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) v[k] = from_bf16(raw[k]);
  return v;
}

std::vector<float> CudaWorld::features(int64_t i) const {
  check_agent(i);
  return download(d_feat_, i * layout_.n_features, layout_.n_features);
}

std::vector<float> CudaWorld::mean_action(int64_t i) const {
  check_agent(i);
  return download(d_mean_, i * ma_.k_stride, ma_.k_stride);
}

size_t CudaWorld::state_bytes() const {
  size_t bytes = 0;
  for_each_buffer(*this, [&bytes](const auto& b, size_t) { bytes += b.bytes(); });
  return bytes;
}

// Renders into a device image and copies it once (waits for the stream).
WorldBuffers CudaWorld::buffers() {
  WorldBuffers b;
  b.on_device = true;
  b.obs_f32 = d_obs_f32_.size() > 0 ? d_obs_f32_.data() : nullptr;
  b.obs_bf16 = d_obs_bf16_.size() > 0 ? d_obs_bf16_.data() : nullptr;
  b.features = d_feat_.data();
  b.mean_action = d_mean_.data();
  b.reward = d_reward_.data();
  b.alive = d_alive_.data();
  b.died = d_died_.data();
  b.action = d_action_.data();
  return b;
}

std::vector<uint8_t> CudaWorld::render(const RenderParams& rp) {
  if (const char* err = render_params_error(rp, cfg_.width, cfg_.height)) throw std::invalid_argument(err);
  DeviceBuffer<uint8_t> d_rgb(static_cast<size_t>(rp.n_pixels()) * 3);
  gpu::launch_render(grid(), agents(), gt_, rp, d_rgb.data(), stream_.get());
  return download(d_rgb, 0, static_cast<int64_t>(d_rgb.size()));
}

}  // namespace

std::unique_ptr<World> make_cuda_world(const WorldConfig& cfg) {
  if (!cuda_device_available())
    throw std::runtime_error("CUDA backend: no CUDA device answers on this machine; use --backend cpu");
  return std::make_unique<CudaWorld>(cfg);
}

}  // namespace myriad
