// device.cu: device discovery for backend selection. A device counts only when this binary has
// code for it and a context can be made, so `auto` falls back to the CPU instead of failing later.
#include <cuda_runtime.h>

#include "myriad/world.hpp"

namespace myriad {

namespace {
__global__ void probe_kernel() {}
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

}  // namespace myriad
