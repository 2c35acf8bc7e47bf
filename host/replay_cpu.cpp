// replay_cpu.cpp: the CPU reference backend of the replay buffer: OpenMP loops over the element rules
// of replay.hpp, host vectors for storage, and the throwing CUDA stand-in of a build without nvcc.
#include <stdexcept>
#include <string>

#include "myriad/replay.hpp"

namespace myriad {

namespace {

ReplayBatch batch_view(HostReplayBatch& h) {
  return ReplayBatch{h.x.data(), h.x_next.data(), h.action.data(), h.reward.data(), h.done.data()};
}

class CpuReplay final : public ReplayBuffer {
 public:
  CpuReplay(const ReplayShape& shape, int64_t capacity) : ReplayBuffer(shape, capacity) {
    const size_t c = static_cast<size_t>(capacity);
    obs_.resize(c * static_cast<size_t>(shape.view_size));
    next_obs_.resize(obs_.size());
    mean_.resize(c * static_cast<size_t>(shape.n_actions));
    next_mean_.resize(mean_.size());
    features_.resize(c * static_cast<size_t>(shape.n_features));
    next_features_.resize(features_.size());
    reward_.resize(c);
    action_.resize(c);
    done_.resize(c);
    st_ = ReplayStorage{shape,         capacity,         obs_.data(),           next_obs_.data(),
                        mean_.data(),  next_mean_.data(), features_.data(),     next_features_.data(),
                        reward_.data(), action_.data(),   done_.data()};
  }
  bool on_device() const override { return false; }

  void append(const TransitionBatch& in) override {
    int64_t base = 0;
    const int64_t skip = advance(in.count, base), w = append_width(shape_), cap = capacity_;
    const ReplayStorage st = st_;
#pragma omp parallel for schedule(static)
    for (int64_t t = skip; t < in.count; ++t) {
      const int64_t slot = (base + t) % cap;
      for (int64_t e = 0; e < w; ++e) append_element(st, in, t, slot, e);
    }
  }

  void gather(const int64_t* slots, int batch, const ReplayBatch& out) override {
    const int64_t w = append_width(shape_);
    for (int b = 0; b < batch; ++b)
      if (slots[b] < 0 || slots[b] >= size_)
        throw std::out_of_range("ReplayBuffer::gather: slot " + std::to_string(slots[b]) + " outside [0, size)");
    const ReplayStorage st = st_;
#pragma omp parallel for schedule(static)
    for (int b = 0; b < batch; ++b)
      for (int64_t e = 0; e < w; ++e) gather_element(st, slots[b], b, e, out);
  }

  void sample(int batch, uint64_t seed, uint32_t draw, const ReplayBatch& out) override {
    check_sample(batch);
    std::vector<int64_t> slots(static_cast<size_t>(batch));
    for (int b = 0; b < batch; ++b) slots[static_cast<size_t>(b)] = sample_slot(seed, draw, static_cast<uint32_t>(b), size_);
    gather(slots.data(), batch, out);
  }

  void append_host(const HostTransitions& t) override { append(view_of(t, shape_)); }
  HostReplayBatch gather_host(const std::vector<int64_t>& slots) override {
    HostReplayBatch h = host_batch(shape_, static_cast<int>(slots.size()));
    gather(slots.data(), static_cast<int>(slots.size()), batch_view(h));
    return h;
  }
  HostReplayBatch sample_host(int batch, uint64_t seed, uint32_t draw) override {
    check_sample(batch);
    HostReplayBatch h = host_batch(shape_, batch);
    sample(batch, seed, draw, batch_view(h));
    return h;
  }

 private:
  std::vector<Bf16> obs_, next_obs_, mean_, next_mean_;
  std::vector<float> features_, next_features_, reward_;
  std::vector<uint8_t> action_, done_;
  ReplayStorage st_;
};

}  // namespace

std::unique_ptr<ReplayBuffer> make_cpu_replay(const ReplayShape& shape, int64_t capacity) {
  return std::make_unique<CpuReplay>(shape, capacity);
}

#if !defined(MYRIAD_HAVE_CUDA)
std::unique_ptr<ReplayBuffer> make_cuda_replay(const ReplayShape&, int64_t, void*) {
  throw std::runtime_error("this build has no CUDA backend (configured without nvcc); use the CPU replay");
}
#endif

}  // namespace myriad
