// device.cu: device discovery for backend selection. With the static runtime, a machine without
// a driver or GPU answers "no device" here instead of failing to start.
#include <cuda_runtime.h>

#include "myriad/world.hpp"

namespace myriad {

bool cuda_device_available() {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return false;
  }
  return n > 0;
}

}  // namespace myriad
