// cpu_backend.cpp: the CPU backend context: host memory (calloc), copies as memcpy, OpenMP through
// CpuExec, a stable LSD radix sort and a serial scan as the primitives, and the engine's programs
// (engine/world_phases.hpp, engine/learn_phases.hpp) instantiated for CpuExec.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/engine/learn_phases.hpp"
#include "myriad/engine/world_phases.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/printable.hpp"

namespace myriad {

namespace {

class CpuClock final : public PhaseClock {
 public:
  using Clock = std::chrono::steady_clock;
  void begin(Phase p) override { t0_[static_cast<int>(p)] = Clock::now(); }
  void end(Phase p) noexcept override {
    const int k = static_cast<int>(p);
    ms_[k] += std::chrono::duration<double, std::milli>(Clock::now() - t0_[k]).count();
  }
  void read(PhaseTimes& t) override {
    for (int k = 0; k < kPhaseCount; ++k) t.ms[k] += ms_[k];
    forget();
  }
  void forget() override {
    for (double& m : ms_) m = 0.0;
  }

 private:
  Clock::time_point t0_[kPhaseCount]{};
  double ms_[kPhaseCount] = {};
};

constexpr int kRadixBits = 11;  // digits of the LSD sort: 2048 buckets

class CpuBackend final : public Backend {
 public:
  CpuBackend() : world_(*this, CpuExec{}), learn_(CpuExec{}) {}

  BackendKind kind() const override { return BackendKind::kCpu; }

  void* allocate(size_t bytes) override {
    void* p = std::calloc(bytes > 0 ? bytes : 1, 1);
    if (p == nullptr)
      throw std::runtime_error("cpu backend: cannot allocate " + std::to_string(bytes) + " bytes of host memory");
    count_alloc(bytes);
    return p;
  }
  void release(void* p, size_t bytes) noexcept override {
    std::free(p);
    count_release(bytes);
  }
  size_t available_bytes() const override { return host_available_bytes(); }
  void to_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) std::memcpy(dst, src, bytes);
  }
  void from_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) std::memcpy(dst, src, bytes);
  }
  void copy(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) std::memmove(dst, src, bytes);
  }
  void zero(void* p, size_t bytes) override {
    if (bytes > 0) std::memset(p, 0, bytes);
  }
  void synchronize() override {}

  // LSD radix sort by kRadixBits-bit digits, each pass a stable counting sort: equal keys keep their
  // input order (the order of CUB's radix sort on the device).
  void sort_pairs(const uint32_t* keys_in, uint32_t* keys_out, const int32_t* vals_in, int32_t* vals_out, int64_t n,
                  int end_bit) override {
    if (n <= 0) return;
    reserve_primitives(n, end_bit);
    const int passes = (end_bit + kRadixBits - 1) / kRadixBits;
    if (passes == 0) {
      std::memcpy(keys_out, keys_in, static_cast<size_t>(n) * sizeof(uint32_t));
      std::memcpy(vals_out, vals_in, static_cast<size_t>(n) * sizeof(int32_t));
      return;
    }
    const uint32_t* src_k = keys_in;
    const int32_t* src_v = vals_in;
    for (int p = 0; p < passes; ++p) {
      const bool to_out = (passes - 1 - p) % 2 == 0;  // the last pass lands in the output
      uint32_t* dst_k = to_out ? keys_out : tmp_keys_.data();
      int32_t* dst_v = to_out ? vals_out : tmp_vals_.data();
      const int shift = p * kRadixBits;
      std::fill(count_.begin(), count_.end(), 0);
      for (int64_t i = 0; i < n; ++i) ++count_[((src_k[i] >> shift) & ((1u << kRadixBits) - 1)) + 1];
      for (size_t b = 1; b < count_.size(); ++b) count_[b] += count_[b - 1];
      for (int64_t i = 0; i < n; ++i) {
        const int64_t at = count_[(src_k[i] >> shift) & ((1u << kRadixBits) - 1)]++;
        dst_k[at] = src_k[i];
        dst_v[at] = src_v[i];
      }
      src_k = dst_k;
      src_v = dst_v;
    }
  }
  int64_t exclusive_scan(const int32_t* in, int32_t* out, int64_t n) override {
    int64_t sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int32_t v = in[i];
      out[i] = static_cast<int32_t>(sum);
      sum += v;
    }
    return sum;
  }
  void reserve_primitives(int64_t n, int) override {
    if (static_cast<int64_t>(tmp_keys_.size()) < n) {
      tmp_keys_.resize(static_cast<size_t>(n));
      tmp_vals_.resize(static_cast<size_t>(n));
    }
    count_.resize((size_t{1} << kRadixBits) + 1);
  }
  size_t primitive_scratch_bytes() const override {
    return tmp_keys_.size() * sizeof(uint32_t) + tmp_vals_.size() * sizeof(int32_t) + count_.size() * sizeof(int64_t);
  }

  const WorldProgram& world() const override { return world_; }
  const LearnProgram& learn() const override { return learn_; }
  std::unique_ptr<PhaseClock> make_clock() override { return std::make_unique<CpuClock>(); }

 private:
  WorldProgramFor<CpuExec> world_;
  LearnProgramFor<CpuExec> learn_;
  std::vector<uint32_t> tmp_keys_;
  std::vector<int32_t> tmp_vals_;
  std::vector<int64_t> count_;
};

}  // namespace

std::shared_ptr<Backend> make_cpu_backend() { return std::make_shared<CpuBackend>(); }

BackendKind parse_backend(const std::string& s) {
  if (s == "auto") return BackendKind::kAuto;
  if (s == "cpu") return BackendKind::kCpu;
  if (s == "cuda") return BackendKind::kCuda;
  throw std::invalid_argument("backend must be auto, cpu or cuda (got '" + printable(s) + "')");
}

const char* backend_kind_name(BackendKind k) {
  switch (k) {
    case BackendKind::kAuto: return "auto";
    case BackendKind::kCpu: return "cpu";
    case BackendKind::kCuda: return "cuda";
  }
  return "?";
}

BackendKind resolve_backend(BackendKind k) {
  if (k == BackendKind::kCpu) return k;
  const bool gpu = cuda_device_available();
  if (k == BackendKind::kCuda && !gpu)
    throw std::runtime_error("backend cuda: no CUDA device answers on this machine; use the cpu or auto backend");
  return gpu ? BackendKind::kCuda : BackendKind::kCpu;
}

std::shared_ptr<Backend> make_backend(BackendKind kind) {
  return resolve_backend(kind) == BackendKind::kCuda ? make_cuda_backend() : make_cpu_backend();
}

}  // namespace myriad
