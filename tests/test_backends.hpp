// test_backends.hpp: one backend context of each kind for tests that need one outside a World (replay,
// selection, networks): made on first use and kept for the test binary's life. cuda_backend() only in
// tests that skip without a device (CudaTest).
#pragma once
#include "myriad/backend.hpp"

namespace myriad::test {

inline Backend& cpu_backend() {
  static const std::shared_ptr<Backend> b = make_cpu_backend();
  return *b;
}

inline Backend& cuda_backend() {
  static const std::shared_ptr<Backend> b = make_cuda_backend();
  return *b;
}

}  // namespace myriad::test
