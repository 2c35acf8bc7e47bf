// bench_output.cpp: the results document and the terminal tables of `myriad bench` (one line per
// phase with the phase model's bytes and FLOP, the achieved rates, the floor and the gap).
#include "bench_output.hpp"

#include "myriad/output_file.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "device_info.hpp"

namespace myriad::bench {

using nlohmann::json;

namespace {

double num(const json& j, const char* key, double fallback = 0) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

std::string gap_text(const json& j) {
  if (!j.contains("gap") || !j["gap"].is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fx", j["gap"].get<double>());
  return buf;
}

}  // namespace

json make_document(const BenchSettings& s, const std::string& workload, const std::string& commit,
                   const std::string& command_line) {
  json doc;
  doc["benchmark"] = "myriad bench";
  doc["date"] = utc_now();
  doc["commit"] = commit;
  doc["command"] = command_line;
  const bool cuda = s.backend == BackendKind::kCuda;
  doc["device"] = {{"backend", cuda ? "cuda" : "cpu"}, {"host", host_info()}, {"cuda", cuda_info()}};
  doc["configuration"] = {
      {"workload", workload},
      {"scenario", "battle (rules.md), blocks placement, map side ceil(5*sqrt(agents per team))"},
      {"acting_step", "per team: shared MLP 898->128->64->21 on [view | features | mean action] read from the "
                      "world's buffers (Network::forward_inputs: layer 1 split by segment, no rows; both teams) -> "
                      "Boltzmann (T = 1); then world.step(): rules, index, mean action, observe"},
      {"training_step", "Trainer::train_step(): act (the learner's network and the opponent's, a lagged copy of "
                        "it: selfplay_lagged), step, replay write of a 1/16 sample, one Adam update on a minibatch, "
                        "target update"},
      {"obs_dtype", s.obs_dtype == ObsDtype::kBf16 ? "bf16" : "f32"},
      {"network_math", cuda ? net_math_name(s.math) : "fp32 (the CPU network)"},
      {"steps", s.steps},
      {"warmup", s.warmup},
      {"seed", s.seed},
      {"time_budget_s", s.time_budget_s},
      {"timing",
       cuda ? "step: host clock around the synchronised step; world phases (index, mean_action, observe, rules): "
              "CUDA events on the world's stream; forward (networks reading the world's buffers) and select: host "
              "clock around synchronised work (launch latency included)"
            : "step and every phase: steady_clock (host)"},
      {"phases", "rules = attack + recovery + move + reward + stats; forward: the networks on inputs read where the "
                 "world keeps them (no rows); training step: the trainer's own attribution (Trainer::last_step_times: "
                 "replay = gathering the stored transitions' inputs before the step, o' after it, and the append)"},
      {"statistics", "median, min, max (and mean) over the timed steps"},
      {"model", "benchmarks/phase_model.cpp: fewest bytes read/written and FLOP per phase; floor = max(bytes / "
                "bandwidth, FLOP / peak) at performance.md's limits (H100: 3.0 TB/s, 67 TFLOP/s FP32, 495 TF32)"},
      {"agent_steps", "sum over timed steps of the agents alive at the start of the step"}};
  if (s.profile_from >= 0)
    doc["configuration"]["profile_steps"] = std::to_string(s.profile_from) + ":" + std::to_string(s.profile_to);
  doc["points"] = json::array();
  return doc;
}

void print_point(const json& p) {
  const std::string wl = p.value("workload", std::string("?"));
  if (p.contains("error")) {
    std::printf("%s step, %lld agents: %s\n", wl.c_str(), static_cast<long long>(num(p, "agents")),
                p["error"].get<std::string>().c_str());
    std::fflush(stdout);
    return;
  }
  const json& step = p["step"];
  const bool applies = p["limits"].value("applies_to_this_run", false);
  std::printf("\n%s step: %lld agents (%lld per team) on %dx%d, backend %s, %s observations; %lld timed steps after "
              "%lld warm-up\n",
              wl.c_str(), static_cast<long long>(num(p, "agents")), static_cast<long long>(num(p, "agents_per_team")),
              static_cast<int>(num(p, "map_side")), static_cast<int>(num(p, "map_side")),
              p.value("backend", std::string("?")).c_str(), p.value("obs_dtype", std::string("?")).c_str(),
              static_cast<long long>(num(p, "steps_timed")), static_cast<long long>(num(p, "warmup")));
  if (p.contains("steps_note")) std::printf("note: %s\n", p["steps_note"].get<std::string>().c_str());
  std::printf("step: median %.3f ms (min %.3f, max %.3f), %.4g agent-steps/s at the median; floor %.3f ms "
              "(FP32) / %.3f ms (TF32) on %s%s\n",
              num(step, "ms_median"), num(step, "ms_min"), num(step, "ms_max"), num(p, "agent_steps_per_s_at_median"),
              num(p, "floor_ms"), num(p, "floor_tf32_ms"), p["limits"].value("name", std::string("?")).c_str(),
              applies ? "" : " (reference only: not this device)");
  std::printf("  %-12s %9s %9s %9s %10s %9s %9s %10s %9s %8s\n", "phase", "median", "min", "max", "MB", "GB/s",
              "GFLOP", "GFLOP/s", "floor", "gap");
  for (int k = 0; k < kBenchPhaseCount; ++k) {  // in step order (JSON objects sort their keys)
    if (!p["phases"].contains(bench_phase_name(k))) continue;
    const json& ph = p["phases"][bench_phase_name(k)];
    std::printf("  %-12s %9.3f %9.3f %9.3f %10.2f %9.2f %9.3f %10.2f %9.4f %8s\n", bench_phase_name(k),
                num(ph, "ms_median"), num(ph, "ms_min"), num(ph, "ms_max"), num(ph, "bytes") / 1e6,
                num(ph, "achieved_GBps"), num(ph, "flop") / 1e9, num(ph, "achieved_GFLOPps"), num(ph, "floor_ms"),
                gap_text(ph).c_str());
  }
  const json& sum = p["phases_sum"];
  std::printf("  %-12s %9.3f %9.3f %9.3f %10.2f %9s %9.3f %10s %9.4f %8s\n", "sum", num(sum, "ms_median"),
              num(sum, "ms_min"), num(sum, "ms_max"), num(p["model"], "bytes") / 1e6, "", num(p["model"], "flop") / 1e9,
              "", num(p, "floor_ms"), gap_text(p).c_str());
  std::printf("  (times in ms; MB and GFLOP from the phase model; floor in ms at the limits above; gap = median / "
              "floor)\n");
  if (p.contains("memory")) {
    const json& m = p["memory"];
    std::printf("memory: world %.1f MB", num(m, "world_state_bytes") / 1e6);
    if (m.contains("acting_bytes")) std::printf(", acting buffers and networks %.1f MB", num(m, "acting_bytes") / 1e6);
    if (m.contains("replay_bytes_model")) std::printf(", replay %.1f MB", num(m, "replay_bytes_model") / 1e6);
    if (m.contains("bytes_per_agent")) std::printf(", %.0f B per agent", num(m, "bytes_per_agent"));
    if (m.contains("device_used_bytes"))
      std::printf(" (device memory used: %.1f MB, cudaMemGetInfo)", num(m, "device_used_bytes") / 1e6);
    std::printf("\n");
  }
  std::fflush(stdout);
}

void print_sweep(const json& points, const std::string& stop_reason) {
  std::printf("\nsweep (acting step; time per step vs agents):\n");
  std::printf("  %11s %6s %6s %10s %10s %10s %14s %10s  %s\n", "agents", "map", "steps", "ms_median", "ms_min",
              "ms_max", "agent-steps/s", "B/agent", "note");
  for (const json& p : points) {
    if (p.contains("error")) {
      std::printf("  %11lld %6s %6s %10s %10s %10s %14s %10s  error: %s\n", static_cast<long long>(num(p, "agents")),
                  "-", "-", "-", "-", "-", "-", "-", p["error"].get<std::string>().c_str());
      continue;
    }
    const json& st = p["step"];
    std::printf("  %11lld %6d %6lld %10.3f %10.3f %10.3f %14.4g %10.0f  %s\n", static_cast<long long>(num(p, "agents")),
                static_cast<int>(num(p, "map_side")), static_cast<long long>(num(p, "steps_timed")),
                num(st, "ms_median"), num(st, "ms_min"), num(st, "ms_max"), num(p, "agent_steps_per_s_at_median"),
                num(p["memory"], "bytes_per_agent"), p.value("steps_note", std::string()).c_str());
  }
  std::printf("  sweep stopped: %s\n", stop_reason.c_str());
  std::fflush(stdout);
}

void write_json_file(const std::string& path, const json& j) {
  if (path.empty()) return;
  write_text_file(path, j.dump(2) + "\n");  // through a temporary: a failed write leaves no half file
}

}  // namespace myriad::bench
