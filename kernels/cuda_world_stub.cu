// cuda_world_stub.cu: placeholder until the CUDA backend lands (replaced by cuda_world.cu).
#include <stdexcept>
#include "myriad/world.hpp"
namespace myriad {
std::unique_ptr<World> make_cuda_world(const WorldConfig&) {
  throw std::runtime_error("CUDA backend not built yet");
}
}  // namespace myriad
