// fuzz/fuzz_cli.cpp: libFuzzer target; the input goes through myriad::fuzz::cli_entry (see the header).
#include <cstddef>
#include <cstdint>

#include "fuzz_cli_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  myriad::fuzz::cli_entry(data, size);
  return 0;
}
