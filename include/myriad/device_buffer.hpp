// device_buffer.hpp: DeviceBuffer<T>, the one owner of device memory (cudaMalloc/cudaFree, move-only).
// Include from .cu files only; host code sees device memory through views and accessors.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "myriad/cuda_check.hpp"

namespace myriad {

template <typename T>
class DeviceBuffer {
 public:
  using value_type = T;
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t count) : size_(count) {
    if (count > 0) MYRIAD_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)));
  }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t bytes() const { return size_ * sizeof(T); }

  // Sets every byte to zero, ordered on `stream`.
  void zero(cudaStream_t stream) {
    if (size_ > 0) MYRIAD_CUDA_CHECK(cudaMemsetAsync(data_, 0, bytes(), stream));
  }

 private:
  void release() noexcept {
    if (data_ != nullptr) MYRIAD_CUDA_CHECK_NOTHROW(cudaFree(data_));
    data_ = nullptr;
    size_ = 0;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace myriad
