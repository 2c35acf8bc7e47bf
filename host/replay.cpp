// replay.cpp: ReplayBuffer over a backend: one Buffer per field, the ring bookkeeping on the host, and
// the element copies (append, gather, sample slots) through the backend's learn program.
#include "myriad/replay.hpp"

#include "myriad/engine/learn_program.hpp"

namespace myriad {

namespace {

ReplayBatch batch_view(HostReplayBatch& h) {
  return ReplayBatch{h.x.data(), h.x_next.data(), h.action.data(), h.reward.data(), h.done.data(),
                     h.start.empty() ? nullptr : h.start.data()};
}

HostReplayBatch host_batch(const ReplayShape& s, int batch) {
  const size_t b = static_cast<size_t>(batch), X = static_cast<size_t>(s.input_width());
  HostReplayBatch h;
  h.x.resize(b * X);
  h.x_next.resize(b * X);
  h.action.resize(b);
  h.reward.resize(b);
  h.done.resize(b);
  if (s.grouped != 0) h.start.resize(b);
  return h;
}

void check_host_transitions(const HostTransitions& t, const ReplayShape& s) {
  const size_t n = static_cast<size_t>(t.count());
  auto check = [n](const char* what, size_t got, size_t width) {
    if (got != n * width)
      throw std::invalid_argument(std::string("ReplayBuffer::append_host: ") + what + " holds " +
                                  std::to_string(got) + " values, expected " + std::to_string(n * width));
  };
  const size_t V = static_cast<size_t>(s.view_size), F = static_cast<size_t>(s.n_features),
               K = static_cast<size_t>(s.n_actions);
  check("obs", t.obs.size(), V);
  check("features", t.features.size(), F);
  check("action", t.action.size(), 1);
  check("mean", t.mean.size(), K);
  check("done", t.done.size(), 1);
  check("next_obs", t.next_obs.size(), V);
  check("next_features", t.next_features.size(), F);
  check("next_mean", t.next_mean.size(), K);
  if (s.grouped != 0) check("group_start", t.group_start.size(), 1);
}

// A host vector's copy on the backend.
template <typename T>
Buffer<T> on_backend(Backend& be, const std::vector<T>& h) {
  Buffer<T> b(be, h.size());
  b.upload(h);
  return b;
}

template <typename T>
void copy_back(Backend& be, std::vector<T>& h, const T* src) {
  if (!h.empty()) be.to_host(h.data(), src, h.size() * sizeof(T));
}

// Runs fill(batch) into device buffers shaped like h, then copies them into h.
template <typename Fill>
void through_backend(Backend& be, HostReplayBatch& h, Fill&& fill) {
  Buffer<float> x(be, h.x.size()), x_next(be, h.x_next.size()), reward(be, h.reward.size()), done(be, h.done.size());
  Buffer<int> action(be, h.action.size());
  Buffer<uint8_t> start(be, h.start.size());
  fill(ReplayBatch{x.data(), x_next.data(), action.data(), reward.data(), done.data(),
                   h.start.empty() ? nullptr : start.data()});
  copy_back(be, h.start, start.data());
  copy_back(be, h.x, x.data());
  copy_back(be, h.x_next, x_next.data());
  copy_back(be, h.action, action.data());
  copy_back(be, h.reward, reward.data());
  copy_back(be, h.done, done.data());
}

}  // namespace

ReplayBuffer::ReplayBuffer(Backend& backend, const ReplayShape& shape, int64_t capacity)
    : be_(backend), shape_(shape), capacity_(capacity) {
  if (capacity <= 0) throw std::invalid_argument("ReplayBuffer: capacity must be positive");
  if (shape.view_size < 0 || shape.n_features < 0 || shape.n_actions < 1 || shape.n_actions > 256)
    throw std::invalid_argument("ReplayBuffer: view_size, n_features >= 0 and n_actions in [1, 256] required");
  if (capacity > int64_t{0xFFFFFFFF}) throw std::invalid_argument("ReplayBuffer: capacity must be below 2^32");
  const size_t c = static_cast<size_t>(capacity);
  obs_ = Buffer<Bf16>(be_, c * static_cast<size_t>(shape.view_size));
  next_obs_ = Buffer<Bf16>(be_, obs_.size());
  mean_ = Buffer<Bf16>(be_, c * static_cast<size_t>(shape.n_actions));
  next_mean_ = Buffer<Bf16>(be_, mean_.size());
  features_ = Buffer<float>(be_, c * static_cast<size_t>(shape.n_features));
  next_features_ = Buffer<float>(be_, features_.size());
  reward_ = Buffer<float>(be_, c);
  action_ = Buffer<uint8_t>(be_, c);
  done_ = Buffer<uint8_t>(be_, c);
  if (shape.grouped != 0) group_start_ = Buffer<uint8_t>(be_, c);
  st_ = ReplayStorage{shape,          capacity,           obs_.data(),       next_obs_.data(),
                      mean_.data(),   next_mean_.data(),  features_.data(),  next_features_.data(),
                      reward_.data(), action_.data(),     done_.data(),      group_start_.data()};
}

int64_t ReplayBuffer::advance(int64_t count, int64_t& base) {
  if (count < 0) throw std::invalid_argument("ReplayBuffer::append: negative count");
  base = head_;
  const int64_t skip = count > capacity_ ? count - capacity_ : 0;
  head_ = (head_ + count) % capacity_;
  size_ = size_ + count < capacity_ ? size_ + count : capacity_;
  return skip;
}

void ReplayBuffer::check_sample(int batch) const {
  if (batch < 0) throw std::invalid_argument("ReplayBuffer::sample: negative batch");
  if (size_ == 0 && batch > 0) throw std::runtime_error("ReplayBuffer::sample: the buffer is empty");
}

void ReplayBuffer::append(const TransitionBatch& in) {
  int64_t base = 0;
  const int64_t skip = advance(in.count, base);
  if (in.count > skip) be_.learn().replay_append(st_, in, skip, base);
}

void ReplayBuffer::gather(const int64_t* slots, int batch, const ReplayBatch& out) {
  if (batch < 0) throw std::invalid_argument("ReplayBuffer::gather: negative batch");
  st_.seam = size_ == capacity_ ? head_ : -1;
  if (!be_.on_device())  // host slots can be checked here; the device's come from sample_slot
    for (int b = 0; b < batch; ++b)
      if (slots[b] < 0 || slots[b] >= size_)
        throw std::out_of_range("ReplayBuffer::gather: slot " + std::to_string(slots[b]) + " outside [0, size)");
  if (batch > 0) be_.learn().replay_gather(st_, slots, batch, out);
}

void ReplayBuffer::reserve_sample(int batch) {
  if (batch > 0 && slots_.size() < static_cast<size_t>(batch)) slots_ = Buffer<int64_t>(be_, static_cast<size_t>(batch));
}

void ReplayBuffer::sample(int batch, uint64_t seed, uint32_t draw, const ReplayBatch& out) {
  check_sample(batch);
  if (batch == 0) return;
  reserve_sample(batch);
  be_.learn().replay_sample_slots(seed, draw, size_, batch, slots_.data());
  st_.seam = size_ == capacity_ ? head_ : -1;
  be_.learn().replay_gather(st_, slots_.data(), batch, out);
}

void ReplayBuffer::sample_windows(int windows, int window, bool aligned, uint64_t seed, uint32_t draw,
                                  const ReplayBatch& out) {
  const int batch = windows * window;
  check_sample(batch);
  if (shape_.grouped == 0) throw std::logic_error("ReplayBuffer::sample_windows: the buffer is not grouped");
  if (window < 1 || (aligned && (capacity_ % window != 0 || size_ < window)))
    throw std::invalid_argument("ReplayBuffer::sample_windows: aligned windows need whole steps of " +
                                std::to_string(window) + " rows in a capacity that is a multiple of it");
  if (batch == 0) return;
  reserve_sample(batch);
  be_.learn().replay_window_slots(seed, draw, size_, windows, window, aligned, slots_.data());
  st_.seam = size_ == capacity_ ? head_ : -1;
  be_.learn().replay_gather(st_, slots_.data(), batch, out);
}

HostReplayBatch ReplayBuffer::sample_windows_host(int windows, int window, bool aligned, uint64_t seed,
                                                  uint32_t draw) {
  check_sample(windows * window);
  HostReplayBatch h = host_batch(shape_, windows * window);
  if (!be_.on_device()) {
    sample_windows(windows, window, aligned, seed, draw, batch_view(h));
    return h;
  }
  through_backend(be_, h, [&](const ReplayBatch& out) { sample_windows(windows, window, aligned, seed, draw, out); });
  return h;
}

void ReplayBuffer::append_host(const HostTransitions& t) {
  check_host_transitions(t, shape_);
  const Buffer<float> obs = on_backend(be_, t.obs), features = on_backend(be_, t.features),
                      mean = on_backend(be_, t.mean), reward = on_backend(be_, t.reward),
                      next_obs = on_backend(be_, t.next_obs), next_features = on_backend(be_, t.next_features),
                      next_mean = on_backend(be_, t.next_mean);
  const Buffer<uint8_t> action = on_backend(be_, t.action), done = on_backend(be_, t.done),
                        start = on_backend(be_, t.group_start);
  append(TransitionBatch{t.count(), obs.data(), features.data(), action.data(), mean.data(), reward.data(),
                         done.data(), next_obs.data(), next_features.data(), next_mean.data(),
                         t.group_start.empty() ? nullptr : start.data()});
  be_.synchronize();  // before the copies are freed
}

HostReplayBatch ReplayBuffer::gather_host(const std::vector<int64_t>& slots) {
  const int batch = static_cast<int>(slots.size());
  for (int64_t s : slots)
    if (s < 0 || s >= size_)
      throw std::out_of_range("ReplayBuffer::gather: slot " + std::to_string(s) + " outside [0, size)");
  HostReplayBatch h = host_batch(shape_, batch);
  if (!be_.on_device()) {
    gather(slots.data(), batch, batch_view(h));
    return h;
  }
  const Buffer<int64_t> d_slots = on_backend(be_, slots);
  through_backend(be_, h, [&](const ReplayBatch& out) { gather(d_slots.data(), batch, out); });
  return h;
}

HostReplayBatch ReplayBuffer::sample_host(int batch, uint64_t seed, uint32_t draw) {
  check_sample(batch);
  HostReplayBatch h = host_batch(shape_, batch);
  if (!be_.on_device()) {
    sample(batch, seed, draw, batch_view(h));
    return h;
  }
  through_backend(be_, h, [&](const ReplayBatch& out) { sample(batch, seed, draw, out); });
  return h;
}

}  // namespace myriad
