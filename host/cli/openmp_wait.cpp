// cli/openmp_wait.cpp: re-executes the program with OMP_WAIT_POLICY=passive (openmp_wait.hpp).
#include "cli/openmp_wait.hpp"

#include <unistd.h>

#include <cstdlib>

namespace myriad::cli {

void prefer_passive_openmp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
}

}  // namespace myriad::cli
