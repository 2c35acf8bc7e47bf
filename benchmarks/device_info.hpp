// device_info.hpp: what a benchmark result carries about the machine (device_info.cpp): the host
// CPU and threads, and for the CUDA backend the device, driver and runtime versions.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace myriad::bench {

nlohmann::json host_info();
// {"available": false, "built": ...} when no device answers.
nlohmann::json cuda_info();
// The commit a result records: $MYRIAD_COMMIT, else `git rev-parse HEAD` in source_dir (with
// "-dirty" when tracked files differ), else "unknown".
std::string current_commit(const std::string& source_dir);
// "2026-11-21T16:31:59Z".
std::string utc_now();

}  // namespace myriad::bench
