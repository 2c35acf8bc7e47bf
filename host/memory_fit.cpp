// memory_fit.cpp: the host's available memory, the reserve a plan leaves, byte counts as text.
#include "myriad/memory_fit.hpp"

#include <cstdio>
#include <fstream>

namespace myriad {

size_t host_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  size_t kib = 0;
  while (in >> key >> kib) {
    if (key == "MemAvailable:") return kib * 1024;
    in.ignore(256, '\n');
  }
  return 0;
}

size_t usable_bytes(size_t available, bool on_device) {
  const size_t reserve = on_device ? (size_t{512} << 20) + available / 50 : available / 10;
  return available > reserve ? available - reserve : 0;
}

std::string gib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

}  // namespace myriad
