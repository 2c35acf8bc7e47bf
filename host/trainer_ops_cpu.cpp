// trainer_ops_cpu.cpp: the CPU backend of TrainerOps: OpenMP loops over the shared rules
// (rules/net_input.hpp, rules/td.hpp) and plain host memory.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <memory>
#include <new>
#include <stdexcept>
#include <vector>

#include "myriad/trainer_ops.hpp"

namespace myriad {

namespace {

class CpuTrainerOps final : public TrainerOps {
 public:
  ~CpuTrainerOps() override {
    for (void* p : blocks_) std::free(p);
  }
  bool on_device() const override { return false; }
  size_t available_bytes() const override {
    std::ifstream in("/proc/meminfo");
    std::string key;
    size_t kib = 0;
    while (in >> key >> kib) {
      if (key == "MemAvailable:") return kib * 1024;
      in.ignore(256, '\n');
    }
    return 0;
  }
  void* alloc_bytes(size_t bytes) override {
    void* p = std::calloc(bytes > 0 ? bytes : 1, 1);
    if (p == nullptr) throw std::bad_alloc();
    blocks_.push_back(p);
    allocated_ += bytes;
    return p;
  }
  void to_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) std::memcpy(dst, src, bytes);
  }
  void from_host(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) std::memcpy(dst, src, bytes);
  }
  void copy(void* dst, const void* src, size_t bytes) override {
    if (bytes > 0) std::memmove(dst, src, bytes);
  }

  void net_input(const NetInputSource& s, int64_t first_id, const int64_t* ids, int64_t rows,
                 const NetInputDest& d) override {
    const int64_t w = s.width();
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < w; ++c) net_input_element(s, first_id, ids, r, c, d);
  }

  void td_targets(const TdParams& p, int64_t batch, const float* reward, const float* done, const float* q_tgt,
                  const float* q_on, float* y) override {
    for (int64_t b = 0; b < batch; ++b) td_target_row(p, b, reward, done, q_tgt, q_on, y);
  }

  int64_t compact_transitions(const KeepParams& p, const uint8_t* alive, const uint8_t* died, const float* reward,
                              const uint8_t* action, int64_t count, int64_t first_id, int64_t* idx, float* out_reward,
                              uint8_t* out_action, uint8_t* out_done) override {
    int64_t m = 0;
    for (int64_t r = 0; r < count; ++r) {
      if (!transition_kept(p, alive[r], died[r], first_id + r)) continue;
      idx[m] = r;
      transition_fields(p, m, r, died, reward, action, out_reward, out_action, out_done);
      ++m;
    }
    return m;
  }
  void gather_transition_fields(const KeepParams& p, const uint8_t* died, const float* reward, const uint8_t* action,
                                const int64_t* idx, int64_t m, float* out_reward, uint8_t* out_action,
                                uint8_t* out_done) override {
    for (int64_t j = 0; j < m; ++j) transition_fields(p, j, idx[j], died, reward, action, out_reward, out_action, out_done);
  }

  double mean_max_q(const float* q, int k, const uint8_t* alive, int64_t count) override {
    double sum = 0;
    int64_t n = 0;
    for (int64_t r = 0; r < count; ++r) {
      if (!alive[r]) continue;
      const float* row = q + r * k;
      sum += row[argmax(row, k)];
      ++n;
    }
    return n > 0 ? sum / static_cast<double>(n) : 0.0;
  }

 private:
  std::vector<void*> blocks_;
};

}  // namespace

std::unique_ptr<TrainerOps> make_cpu_trainer_ops() { return std::make_unique<CpuTrainerOps>(); }

#if !defined(MYRIAD_HAVE_CUDA)
std::unique_ptr<TrainerOps> make_cuda_trainer_ops() {
  throw std::runtime_error("this build has no CUDA backend (configured without nvcc); use --backend cpu");
}
std::string cuda_device_description() { return ""; }
#endif

}  // namespace myriad
