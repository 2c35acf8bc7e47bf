// cuda_backend.cu: the CUDA backend context: one non-blocking stream that carries everything in order,
// device memory (cudaMalloc, zeroed on the stream), copies, CUB's radix sort and scan as the primitives,
// event-pair phase timing, and the engine's programs (engine/world_phases.hpp, engine/learn_phases.hpp)
// instantiated for CudaExec. With cuda_exec.cuh and the network's cuBLAS calls, the CUDA-only code.
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <cuda_runtime.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "cuda_exec.cuh"
#include "myriad/backend.hpp"
#include "myriad/cuda_check.hpp"
#include "myriad/engine/learn_phases.hpp"
#include "myriad/engine/world_phases.hpp"

namespace myriad {

namespace {

__global__ void probe_kernel() {}

// One begin/end event pair per phase, created at the first mark; `marked` flags the pairs recorded
// since the last read, so a phase that did not run reads as zero.
class CudaClock final : public PhaseClock {
 public:
  explicit CudaClock(cudaStream_t s) : s_(s) {}
  ~CudaClock() override {
    if (!created_) return;
    for (cudaEvent_t& e : ev_) MYRIAD_CUDA_CHECK_NOTHROW(cudaEventDestroy(e));
  }
  void begin(Phase p) override {
    if (!created_) {
      for (cudaEvent_t& e : ev_) MYRIAD_CUDA_CHECK(cudaEventCreate(&e));
      created_ = true;
    }
    MYRIAD_CUDA_CHECK(cudaEventRecord(ev_[2 * static_cast<int>(p)], s_));
  }
  void end(Phase p) noexcept override {
    const int k = static_cast<int>(p);
    const cudaError_t e = cudaEventRecord(ev_[2 * k + 1], s_);
    MYRIAD_CUDA_CHECK_NOTHROW(e);
    marked_[k] = e == cudaSuccess;
  }
  void read(PhaseTimes& t) override {
    for (int k = 0; k < kPhaseCount; ++k) {
      if (!marked_[k]) continue;
      float ms = 0.0f;
      MYRIAD_CUDA_CHECK(cudaEventElapsedTime(&ms, ev_[2 * k], ev_[2 * k + 1]));
      t.ms[k] += ms;
      marked_[k] = false;
    }
  }
  void forget() override {
    for (bool& m : marked_) m = false;
  }

 private:
  cudaStream_t s_;
  cudaEvent_t ev_[2 * kPhaseCount] = {};
  bool marked_[kPhaseCount] = {};
  bool created_ = false;
};

cudaStream_t make_stream() {
  cudaStream_t s = nullptr;
  MYRIAD_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  return s;
}

class CudaBackend final : public Backend {
 public:
  CudaBackend() : stream_(make_stream()), world_(*this, gpu::CudaExec{stream_}), learn_(gpu::CudaExec{stream_}) {
    total_ = static_cast<int32_t*>(allocate(2 * sizeof(int32_t)));
  }
  ~CudaBackend() override {
    MYRIAD_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(stream_));
    if (scratch_ != nullptr) MYRIAD_CUDA_CHECK_NOTHROW(cudaFree(scratch_));
    MYRIAD_CUDA_CHECK_NOTHROW(cudaFree(total_));
    MYRIAD_CUDA_CHECK_NOTHROW(cudaStreamDestroy(stream_));
  }

  BackendKind kind() const override { return BackendKind::kCuda; }
  void* stream() const override { return stream_; }

  void* allocate(size_t bytes) override {
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes > 0 ? bytes : 1);
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw std::runtime_error("cuda backend: cannot allocate " + std::to_string(bytes) + " bytes of device memory (" +
                               std::to_string(available_bytes()) + " free): " + cudaGetErrorString(e));
    }
    MYRIAD_CUDA_CHECK(cudaMemsetAsync(p, 0, bytes > 0 ? bytes : 1, stream_));
    count_alloc(bytes);
    return p;
  }
  void release(void* p, size_t bytes) noexcept override {
    MYRIAD_CUDA_CHECK_NOTHROW(cudaStreamSynchronize(stream_));  // work on the stream may still read it
    MYRIAD_CUDA_CHECK_NOTHROW(cudaFree(p));
    count_release(bytes);
  }
  size_t available_bytes() const override {
    size_t free_b = 0, total_b = 0;
    MYRIAD_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    return free_b;
  }
  void to_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_));
    synchronize();
  }
  void from_host(void* dst, const void* src, size_t bytes) override {
    // From pageable memory the call returns once the source is staged, so the caller may reuse it.
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream_));
  }
  void copy(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream_));
  }
  void zero(void* p, size_t bytes) override {
    if (bytes > 0) MYRIAD_CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, stream_));
  }
  void synchronize() override { MYRIAD_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

  // LSD radix sort: stable, and the values enter as 0..n-1 in the world, so equal keys keep id order.
  void sort_pairs(const uint32_t* keys_in, uint32_t* keys_out, const int32_t* vals_in, int32_t* vals_out, int64_t n,
                  int end_bit) override {
    if (n <= 0) return;
    check_items(n);
    if (end_bit <= 0) {  // no key bits: the input order, as the CPU's zero passes leave it
      copy(keys_out, keys_in, static_cast<size_t>(n) * sizeof(uint32_t));
      copy(vals_out, vals_in, static_cast<size_t>(n) * sizeof(int32_t));
      return;
    }
    reserve_primitives(n, end_bit);
    size_t bytes = scratch_bytes_;
    MYRIAD_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(scratch_, bytes, keys_in, keys_out, vals_in, vals_out,
                                                      static_cast<int>(n), 0, end_bit < 1 ? 1 : end_bit, stream_));
  }
  int64_t exclusive_scan(const int32_t* in, int32_t* out, int64_t n) override {
    if (n <= 0) return 0;
    check_items(n);
    reserve_primitives(n, 0);
    size_t bytes = scratch_bytes_;
    MYRIAD_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(scratch_, bytes, in, out, static_cast<int>(n), stream_));
    copy(total_, out + n - 1, sizeof(int32_t));
    copy(total_ + 1, in + n - 1, sizeof(int32_t));
    int32_t h[2] = {0, 0};
    to_host(h, total_, sizeof h);
    return static_cast<int64_t>(h[0]) + h[1];
  }
  void reserve_primitives(int64_t n, int end_bit) override {
    if (n <= 0) return;
    check_items(n);
    size_t sort_bytes = 0, scan_bytes = 0;
    MYRIAD_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, sort_bytes, static_cast<const uint32_t*>(nullptr),
                                                      static_cast<uint32_t*>(nullptr),
                                                      static_cast<const int32_t*>(nullptr),
                                                      static_cast<int32_t*>(nullptr), static_cast<int>(n), 0,
                                                      end_bit < 1 ? 1 : end_bit, stream_));
    MYRIAD_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, scan_bytes, static_cast<const int32_t*>(nullptr),
                                                    static_cast<int32_t*>(nullptr), static_cast<int>(n), stream_));
    const size_t need = sort_bytes > scan_bytes ? sort_bytes : scan_bytes;
    if (need <= scratch_bytes_) return;
    if (scratch_ != nullptr) {
      synchronize();  // the old scratch may still be in use
      MYRIAD_CUDA_CHECK(cudaFree(scratch_));
      count_release(scratch_bytes_);
      scratch_ = nullptr;
      scratch_bytes_ = 0;
    }
    scratch_ = allocate(need);
    scratch_bytes_ = need;
  }
  size_t primitive_scratch_bytes() const override { return scratch_bytes_; }

  const WorldProgram& world() const override { return world_; }
  const LearnProgram& learn() const override { return learn_; }
  std::unique_ptr<PhaseClock> make_clock() override { return std::make_unique<CudaClock>(stream_); }

 private:
  static void check_items(int64_t n) {
    if (n > 2147483647LL) throw std::invalid_argument("cuda backend: sort and scan take at most 2^31-1 items");
  }

  cudaStream_t stream_;
  WorldProgramFor<gpu::CudaExec> world_;
  LearnProgramFor<gpu::CudaExec> learn_;
  void* scratch_ = nullptr;
  size_t scratch_bytes_ = 0;
  int32_t* total_ = nullptr;
};

}  // namespace

bool cuda_device_available() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
    cudaGetLastError();  // clear the "no driver" error
    return false;
  }
  cudaFuncAttributes attr;  // makes the context; fails when no image in this build fits the device
  if (cudaFuncGetAttributes(&attr, probe_kernel) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return true;
}

std::string cuda_device_description() {
  if (!cuda_device_available()) return "";
  int dev = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess) {
    cudaGetLastError();
    return "";
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s (sm_%d%d, %.1f GiB)", prop.name, prop.major, prop.minor,
                static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

std::shared_ptr<Backend> make_cuda_backend() {
  if (!cuda_device_available())
    throw std::runtime_error("backend cuda: no CUDA device answers on this machine; use the cpu or auto backend");
  return std::make_shared<CudaBackend>();
}

}  // namespace myriad
