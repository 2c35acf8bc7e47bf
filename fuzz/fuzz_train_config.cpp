// fuzz/fuzz_train_config.cpp: libFuzzer target; the input goes through myriad::fuzz::train_config_entry (see the header).
#include <cstddef>
#include <cstdint>

#include "fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  myriad::fuzz::train_config_entry(data, size);
  return 0;
}
