// bench_output.hpp: what `myriad bench` prints and writes: the results document (device, driver,
// CUDA version, commit, configuration, date), a terminal table per point, the sweep table.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "bench_runner.hpp"

namespace myriad::bench {

// The document's header (no points yet): benchmark, date, commit, device, configuration.
nlohmann::json make_document(const BenchSettings& s, const std::string& workload, const std::string& commit,
                             const std::string& command_line);

// One point's table: the step, then one row per phase (median/min/max ms, the model's MB and GFLOP,
// achieved GB/s and GFLOP/s, the floor at the limits and the gap), the sum, memory per agent.
void print_point(const nlohmann::json& p);
// The sweep's summary: one row per point (agents, map, steps, step median/min/max, agent-steps/s,
// bytes per agent, note).
void print_sweep(const nlohmann::json& points, const std::string& stop_reason);

// Writes j to path (pretty-printed); throws std::runtime_error naming the file when it cannot.
void write_json_file(const std::string& path, const nlohmann::json& j);

}  // namespace myriad::bench
