// backend.hpp: the backend context, made once per run from auto | cpu | cuda and passed to everything
// that touches agent data (world, networks, replay, selection, trainer). It owns the one CUDA stream,
// every allocation (Buffer<T>), copies, synchronisation, the parallel primitives (sort, scan) and the
// programs: the engine's data-parallel code (engine/*.hpp) instantiated for this backend's executor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "myriad/phase_timer.hpp"

namespace myriad {

enum class BackendKind { kAuto, kCpu, kCuda };

// "auto" | "cpu" | "cuda"; throws std::invalid_argument naming the valid values.
BackendKind parse_backend(const std::string& s);
const char* backend_kind_name(BackendKind k);
// A CUDA device this build has code for answers (no device, no driver or a CPU-only build: false).
bool cuda_device_available();
// auto → cuda when a device answers, else cpu; cuda without a device throws std::runtime_error.
BackendKind resolve_backend(BackendKind k);
// "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)" of the current device; "" without CUDA or a device.
std::string cuda_device_description();

class WorldProgram;  // engine/world_program.hpp
class LearnProgram;  // engine/learn_program.hpp

// Per-phase timing marks on the backend's stream: host clocks on the CPU, event pairs on CUDA.
class PhaseClock {
 public:
  virtual ~PhaseClock() = default;
  virtual void begin(Phase p) = 0;
  virtual void end(Phase p) noexcept = 0;
  // After the backend has synchronised: adds each phase marked since the last read to t.
  virtual void read(PhaseTimes& t) = 0;
  virtual void forget() = 0;  // drops the marks of work that belongs to no step
};

// An NVTX range and, with a clock, its begin/end marks around one phase.
class PhaseGuard {
 public:
  PhaseGuard(PhaseClock* clock, Phase p) : range_(p), clock_(clock), p_(p) {
    if (clock_ != nullptr) clock_->begin(p_);
  }
  ~PhaseGuard() {
    if (clock_ != nullptr) clock_->end(p_);
  }
  PhaseGuard(const PhaseGuard&) = delete;
  PhaseGuard& operator=(const PhaseGuard&) = delete;

 private:
  NvtxRange range_;
  PhaseClock* clock_;
  Phase p_;
};

class Backend {
 public:
  virtual ~Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  virtual BackendKind kind() const = 0;
  bool on_device() const { return kind() == BackendKind::kCuda; }
  const char* name() const { return backend_kind_name(kind()); }

  // Memory: zeroed blocks, freed by release (Buffer<T> does both). Every byte handed out is counted.
  virtual void* allocate(size_t bytes) = 0;  // throws std::runtime_error naming the size when it fails
  virtual void release(void* p, size_t bytes) noexcept = 0;
  size_t live_bytes() const { return live_; }
  // Bytes free for new allocations: the device's free memory, or the host's MemAvailable (0: unknown).
  virtual size_t available_bytes() const = 0;

  // Copies, ordered on the stream. to_host waits for its result; from_host may return before the
  // copy lands but after the host source may be reused.
  virtual void to_host(void* host_dst, const void* src, size_t bytes) = 0;
  virtual void from_host(void* dst, const void* host_src, size_t bytes) = 0;
  virtual void copy(void* dst, const void* src, size_t bytes) = 0;
  virtual void zero(void* p, size_t bytes) = 0;
  virtual void synchronize() = 0;
  virtual void* stream() const { return nullptr; }  // the cudaStream_t on CUDA

  // Primitives. A stable sort of (key, value) pairs by the key's low end_bit bits (LSD radix on both
  // backends: equal keys keep their input order).
  virtual void sort_pairs(const uint32_t* keys_in, uint32_t* keys_out, const int32_t* vals_in, int32_t* vals_out,
                          int64_t n, int end_bit) = 0;
  // out[i] = Σ_{j<i} in[j]; returns Σ in (the one value read back: waits).
  virtual int64_t exclusive_scan(const int32_t* in, int32_t* out, int64_t n) = 0;
  // Allocates now the scratch these primitives need for n items, so that none is allocated mid-step.
  virtual void reserve_primitives(int64_t n, int end_bit) = 0;
  virtual size_t primitive_scratch_bytes() const = 0;

  virtual const WorldProgram& world() const = 0;
  virtual const LearnProgram& learn() const = 0;
  virtual std::unique_ptr<PhaseClock> make_clock() = 0;

 protected:
  Backend() = default;
  void count_alloc(size_t bytes) { live_ += bytes; }
  void count_release(size_t bytes) { live_ -= bytes; }

 private:
  size_t live_ = 0;
};

// Makes the backend `kind` asks for (auto resolved). Throws std::runtime_error when it cannot.
std::shared_ptr<Backend> make_backend(BackendKind kind);
std::shared_ptr<Backend> make_cpu_backend();
std::shared_ptr<Backend> make_cuda_backend();  // kernels/cuda_backend.cu, or the no-CUDA stub

// An owned array of T on a backend (RAII, move-only): the one way to hold agent data.
template <typename T>
class Buffer {
 public:
  using value_type = T;
  Buffer() = default;
  Buffer(Backend& b, size_t count) : b_(&b), n_(count) {
    if (count > 0) p_ = static_cast<T*>(b.allocate(count * sizeof(T)));
  }
  ~Buffer() { reset(); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : b_(o.b_), p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      reset();
      b_ = o.b_;
      p_ = std::exchange(o.p_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }

  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return n_; }
  size_t bytes() const { return n_ * sizeof(T); }
  bool empty() const { return n_ == 0; }
  void zero() {
    if (n_ > 0) b_->zero(p_, bytes());
  }
  // Host copies (wait) and uploads of whole buffers or ranges.
  std::vector<T> to_vector(size_t first = 0, size_t count = static_cast<size_t>(-1)) const {
    if (count == static_cast<size_t>(-1)) count = n_ - first;
    std::vector<T> h(count);
    if (count > 0) b_->to_host(h.data(), p_ + first, count * sizeof(T));
    return h;
  }
  void upload(const std::vector<T>& h) {
    if (h.size() > n_) throw std::length_error("Buffer::upload: more values than the buffer holds");
    if (!h.empty()) b_->from_host(p_, h.data(), h.size() * sizeof(T));
  }
  void reset() noexcept {
    if (p_ != nullptr) b_->release(p_, bytes());
    p_ = nullptr;
    n_ = 0;
  }

 private:
  Backend* b_ = nullptr;
  T* p_ = nullptr;
  size_t n_ = 0;
};

}  // namespace myriad
