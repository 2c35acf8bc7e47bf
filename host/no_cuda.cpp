// no_cuda.cpp: the CUDA backend's entry points in a build without nvcc (the only CUDA stubs): no
// device answers, and asking for the CUDA backend or a CUDA network says so.
#include <stdexcept>
#include <string>

#include "myriad/backend.hpp"
#include "myriad/network.hpp"

namespace myriad {

namespace {
[[noreturn]] void no_cuda() {
  throw std::runtime_error("this build has no CUDA backend (configured without nvcc); use the cpu backend");
}
}  // namespace

bool cuda_device_available() { return false; }
std::string cuda_device_description() { return ""; }
std::shared_ptr<Backend> make_cuda_backend() { no_cuda(); }
std::unique_ptr<Network> make_cuda_network(Backend&, const MlpShape&, uint64_t, NetMath) { no_cuda(); }

}  // namespace myriad
