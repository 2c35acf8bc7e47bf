// memory_fit.hpp: what a memory plan may use of what the machine has, and byte counts as text for
// refusals. Every command checks its plan (world, trainer, loaded networks) before allocating.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace myriad {

// A plan that does not fit the machine's memory: the request's fault, so the CLI exits 2 (it is a
// runtime_error for the callers that only stop, such as the benchmark sweep).
struct MemoryRefusal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The host's MemAvailable (/proc/meminfo), 0 when unknown.
size_t host_available_bytes();
// What a plan may take of `available`: a device keeps 512 MiB and 2% back (driver, libraries' scratch),
// the host 10% (the process's own heap, page cache the run needs). 0 available (unknown): 0.
size_t usable_bytes(size_t available, bool on_device);
// "1.25 GiB"
std::string gib(size_t bytes);

}  // namespace myriad
