// cli/openmp_wait.hpp: OpenMP worker threads that sleep rather than spin while they wait.
#pragma once
namespace myriad::cli {
// libgomp spins its idle threads by default, which on a machine where another process is busy takes
// the cores the working threads need (at 20,000 agents on 2 cores with one kept busy: 2.6-2.9x slower than
// idle under libgomp's default, 1.4-1.9x passive; benchmarks/load_held.py). It reads OMP_WAIT_POLICY
// only when it loads, before main, so when neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set this
// sets OMP_WAIT_POLICY=passive and re-executes the program (same pid, same arguments). A user's own
// setting is kept; if the re-exec fails the program goes on with the default policy.
void prefer_passive_openmp(char** argv);
}  // namespace myriad::cli
