// cuda_stream.cuh: CudaStream, an owned non-blocking CUDA stream (RAII), the one stream type of the
// world and of each network (they synchronise with each other explicitly, never implicitly).
#pragma once
#include <cuda_runtime.h>

#include "myriad/cuda_check.hpp"

namespace myriad::gpu {

class CudaStream {
 public:
  CudaStream() { MYRIAD_CUDA_CHECK(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  ~CudaStream() { MYRIAD_CUDA_CHECK_NOTHROW(cudaStreamDestroy(s_)); }
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

}  // namespace myriad::gpu
