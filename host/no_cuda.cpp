// no_cuda.cpp: stand-ins when the build has no nvcc: the CUDA backend reports itself absent.
#include <stdexcept>

#include "myriad/world.hpp"

namespace myriad {
bool cuda_device_available() { return false; }
std::unique_ptr<World> make_cuda_world(const WorldConfig&) {
  throw std::runtime_error("this build has no CUDA backend (configured without nvcc); use --backend cpu");
}
}  // namespace myriad
