// phase_events.cuh: per-phase CUDA event pairs on the world's stream (PhaseEvents) and the guard
// that records them around a phase's launches and opens its NVTX range (CudaPhaseScope).
#pragma once
#include <cuda_runtime.h>

#include "myriad/cuda_check.hpp"
#include "myriad/phase_timer.hpp"

namespace myriad {

// One begin/end event pair per phase, created at the first timed step and kept; `recorded` marks
// the pairs recorded since the last read, so a phase that did not run this step reads as zero.
class PhaseEvents {
 public:
  PhaseEvents() = default;
  ~PhaseEvents() {
    if (!created_) return;
    for (cudaEvent_t& e : ev_) MYRIAD_CUDA_CHECK_NOTHROW(cudaEventDestroy(e));
  }
  PhaseEvents(const PhaseEvents&) = delete;
  PhaseEvents& operator=(const PhaseEvents&) = delete;
  void record_begin(Phase p, cudaStream_t s) {
    if (!created_) {
      for (cudaEvent_t& e : ev_) MYRIAD_CUDA_CHECK(cudaEventCreate(&e));
      created_ = true;
    }
    MYRIAD_CUDA_CHECK(cudaEventRecord(ev_[2 * static_cast<int>(p)], s));
  }
  // From a destructor: reports a failure on stderr (the phase then reads as not recorded).
  void record_end(Phase p, cudaStream_t s) noexcept {
    const int k = static_cast<int>(p);
    const cudaError_t e = cudaEventRecord(ev_[2 * k + 1], s);
    MYRIAD_CUDA_CHECK_NOTHROW(e);
    recorded_[k] = e == cudaSuccess;
  }
  // After the stream has synchronised: adds each recorded phase's time to t and forgets the marks.
  void read(PhaseTimes& t) {
    for (int k = 0; k < kPhaseCount; ++k) {
      if (!recorded_[k]) continue;
      float ms = 0.0f;
      MYRIAD_CUDA_CHECK(cudaEventElapsedTime(&ms, ev_[2 * k], ev_[2 * k + 1]));
      t.ms[k] += ms;
      recorded_[k] = false;
    }
  }
  void forget() {
    for (bool& r : recorded_) r = false;
  }

 private:
  cudaEvent_t ev_[2 * kPhaseCount] = {};
  bool recorded_[kPhaseCount] = {};
  bool created_ = false;
};

// Device-side phase guard: an NVTX range around the launches, and an event pair on the world's
// stream when timing is on (events == nullptr: nothing is recorded).
class CudaPhaseScope {
 public:
  CudaPhaseScope(Phase p, PhaseEvents* events, cudaStream_t s) : range_(p), p_(p), events_(events), s_(s) {
    if (events_) events_->record_begin(p_, s_);
  }
  ~CudaPhaseScope() {
    if (events_) events_->record_end(p_, s_);
  }
  CudaPhaseScope(const CudaPhaseScope&) = delete;
  CudaPhaseScope& operator=(const CudaPhaseScope&) = delete;

 private:
  NvtxRange range_;
  Phase p_;
  PhaseEvents* events_;
  cudaStream_t s_;
};

}  // namespace myriad
