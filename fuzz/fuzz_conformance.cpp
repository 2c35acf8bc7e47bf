// fuzz/fuzz_conformance.cpp: libFuzzer target; the input goes through myriad::fuzz::conformance_entry (see the header).
#include <cstddef>
#include <cstdint>

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  myriad::fuzz::conformance_entry(data, size);
  return 0;
}
