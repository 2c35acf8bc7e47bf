// replay_cuda.cu: the CUDA replay buffer: device storage (DeviceBuffer per field) and thin kernels,
// one thread per (transition, element), over the element rules of replay.hpp shared with the CPU.
#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "launch.cuh"
#include "myriad/device_buffer.hpp"
#include "myriad/replay.hpp"
#include "myriad/world.hpp"  // cuda_device_available

namespace myriad {
namespace {

__global__ void replay_append_kernel(int64_t n,
                                     ReplayStorage st,    // out: ring slots (base + t) % capacity
                                     TransitionBatch in,  // in: device arrays of in.count transitions
                                     int64_t skip,        // first kept transition
                                     int64_t base)        // ring head before the append
{
  const int64_t w = append_width(st.shape);
  for (int64_t j = gpu::thread_index(); j < n; j += gpu::thread_stride()) {
    const int64_t t = skip + j / w;
    append_element(st, in, t, (base + t) % st.capacity, j % w);
  }
}

__global__ void replay_sample_slots_kernel(int64_t n,
                                           uint64_t seed,
                                           uint32_t draw,
                                           int64_t size,    // in: stored transitions
                                           int64_t* slots)  // out: [n] uniform in [0, size)
{
  for (int64_t b = gpu::thread_index(); b < n; b += gpu::thread_stride())
    slots[b] = sample_slot(seed, draw, static_cast<uint32_t>(b), size);
}

__global__ void replay_gather_kernel(int64_t n,
                                     ReplayStorage st,      // in
                                     const int64_t* slots,  // in: [batch] ring slots
                                     ReplayBatch out)       // out: [batch] float rows
{
  const int64_t w = append_width(st.shape);
  for (int64_t j = gpu::thread_index(); j < n; j += gpu::thread_stride()) {
    const int64_t b = j / w;
    gather_element(st, slots[b], b, j % w, out);
  }
}

template <typename T>
void upload(DeviceBuffer<T>& d, const std::vector<T>& h) {
  d = DeviceBuffer<T>(h.size());
  if (!h.empty()) MYRIAD_CUDA_CHECK(cudaMemcpy(d.data(), h.data(), d.bytes(), cudaMemcpyHostToDevice));
}
template <typename T>
void download(std::vector<T>& h, const DeviceBuffer<T>& d) {
  if (!h.empty()) MYRIAD_CUDA_CHECK(cudaMemcpy(h.data(), d.data(), h.size() * sizeof(T), cudaMemcpyDeviceToHost));
}

// Device copies of a HostReplayBatch's arrays.
struct DeviceBatch {
  DeviceBuffer<float> x, x_next, reward, done;
  DeviceBuffer<int> action;
  DeviceBatch(size_t batch, size_t width)
      : x(batch * width), x_next(batch * width), reward(batch), done(batch), action(batch) {}
  ReplayBatch view() { return ReplayBatch{x.data(), x_next.data(), action.data(), reward.data(), done.data()}; }
  void copy_to(HostReplayBatch& h) {
    download(h.x, x);
    download(h.x_next, x_next);
    download(h.action, action);
    download(h.reward, reward);
    download(h.done, done);
  }
};

class CudaReplay final : public ReplayBuffer {
 public:
  CudaReplay(const ReplayShape& shape, int64_t capacity, cudaStream_t stream)
      : ReplayBuffer(shape, capacity), stream_(stream) {
    const size_t c = static_cast<size_t>(capacity);
    obs_ = DeviceBuffer<Bf16>(c * static_cast<size_t>(shape.view_size));
    next_obs_ = DeviceBuffer<Bf16>(obs_.size());
    mean_ = DeviceBuffer<Bf16>(c * static_cast<size_t>(shape.n_actions));
    next_mean_ = DeviceBuffer<Bf16>(mean_.size());
    features_ = DeviceBuffer<float>(c * static_cast<size_t>(shape.n_features));
    next_features_ = DeviceBuffer<float>(features_.size());
    reward_ = DeviceBuffer<float>(c);
    action_ = DeviceBuffer<uint8_t>(c);
    done_ = DeviceBuffer<uint8_t>(c);
    st_ = ReplayStorage{shape,          capacity,          obs_.data(),       next_obs_.data(),
                        mean_.data(),   next_mean_.data(), features_.data(),  next_features_.data(),
                        reward_.data(), action_.data(),    done_.data()};
  }
  bool on_device() const override { return true; }

  void append(const TransitionBatch& in) override {
    int64_t base = 0;
    const int64_t skip = advance(in.count, base);
    gpu::linear_kernel(replay_append_kernel, 0, stream_, (in.count - skip) * append_width(shape_), st_, in, skip,
                       base);
  }

  // Slots are not range-checked on the device (the caller guarantees [0, size)).
  void gather(const int64_t* slots, int batch, const ReplayBatch& out) override {
    gpu::linear_kernel(replay_gather_kernel, 0, stream_, static_cast<int64_t>(batch) * append_width(shape_), st_,
                       slots, out);
  }

  void sample(int batch, uint64_t seed, uint32_t draw, const ReplayBatch& out) override {
    check_sample(batch);
    if (batch == 0) return;
    if (slots_.size() < static_cast<size_t>(batch)) {
      MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the old scratch may still be read
      slots_ = DeviceBuffer<int64_t>(static_cast<size_t>(batch));
    }
    gpu::linear_kernel(replay_sample_slots_kernel, 0, stream_, static_cast<int64_t>(batch), seed, draw, size_,
                       slots_.data());
    gather(slots_.data(), batch, out);
  }

  void append_host(const HostTransitions& t) override {
    const TransitionBatch h = view_of(t, shape_);  // checks the sizes
    DeviceBuffer<float> obs, features, mean, reward, next_obs, next_features, next_mean;
    DeviceBuffer<uint8_t> action, done;
    upload(obs, t.obs);
    upload(features, t.features);
    upload(mean, t.mean);
    upload(reward, t.reward);
    upload(next_obs, t.next_obs);
    upload(next_features, t.next_features);
    upload(next_mean, t.next_mean);
    upload(action, t.action);
    upload(done, t.done);
    append(TransitionBatch{h.count, obs.data(), features.data(), action.data(), mean.data(), reward.data(),
                           done.data(), next_obs.data(), next_features.data(), next_mean.data()});
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_));  // before the inputs are freed
  }

  HostReplayBatch gather_host(const std::vector<int64_t>& slots) override {
    for (int64_t s : slots)
      if (s < 0 || s >= size_)
        throw std::out_of_range("ReplayBuffer::gather: slot " + std::to_string(s) + " outside [0, size)");
    const int batch = static_cast<int>(slots.size());
    HostReplayBatch h = host_batch(shape_, batch);
    DeviceBuffer<int64_t> d_slots;
    upload(d_slots, slots);
    DeviceBatch d(slots.size(), static_cast<size_t>(shape_.input_width()));
    gather(d_slots.data(), batch, d.view());
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_));
    d.copy_to(h);
    return h;
  }

  HostReplayBatch sample_host(int batch, uint64_t seed, uint32_t draw) override {
    check_sample(batch);
    HostReplayBatch h = host_batch(shape_, batch);
    DeviceBatch d(static_cast<size_t>(batch), static_cast<size_t>(shape_.input_width()));
    sample(batch, seed, draw, d.view());
    MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_));
    d.copy_to(h);
    return h;
  }

 private:
  cudaStream_t stream_;
  DeviceBuffer<Bf16> obs_, next_obs_, mean_, next_mean_;
  DeviceBuffer<float> features_, next_features_, reward_;
  DeviceBuffer<uint8_t> action_, done_;
  DeviceBuffer<int64_t> slots_;  // sample scratch
  ReplayStorage st_;
};

}  // namespace

std::unique_ptr<ReplayBuffer> make_cuda_replay(const ReplayShape& shape, int64_t capacity, void* stream) {
  if (!cuda_device_available()) throw std::runtime_error("make_cuda_replay: no CUDA device answers");
  return std::make_unique<CudaReplay>(shape, capacity, static_cast<cudaStream_t>(stream));
}

}  // namespace myriad
