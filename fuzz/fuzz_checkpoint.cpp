// fuzz/fuzz_checkpoint.cpp: libFuzzer target; the input goes through myriad::fuzz::checkpoint_entry (see the header).
#include <cstddef>
#include <cstdint>

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  myriad::fuzz::checkpoint_entry(data, size);
  return 0;
}
