// bench_util.hpp: small helpers of the benchmark binaries: median/min/max/mean of a sample, agents
// alive, and the --profile-steps A:B range that brackets steps with cudaProfilerStart/Stop (cuda builds only).
#pragma once
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(MYRIAD_HAVE_CUDA)
#include <cuda_profiler_api.h>
#include <cuda_runtime.h>
#endif

#include "myriad/world.hpp"

namespace myriad::bench {

// Agents alive after the step s reports, every group together.
inline int64_t alive_total(const StepStats& s) {
  int64_t n = 0;
  for (int g = 0; g < s.n_groups; ++g) n += s.alive[g];
  return n;
}

struct Summary {
  double median = 0, min = 0, max = 0, mean = 0;
};

inline Summary summarize(std::vector<double> v) {
  Summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const size_t m = v.size();
  s.median = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
  s.min = v.front();
  s.max = v.back();
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(m);
  return s;
}

// Parses "A:B" (0 <= A < B) into from and to; throws std::invalid_argument.
inline void parse_profile_steps(const std::string& spec, int& from, int& to) {
  if (spec.empty()) return;
  const size_t colon = spec.find(':');
  size_t used_a = 0, used_b = 0;
  try {
    if (colon == std::string::npos) throw std::invalid_argument("");
    const std::string a = spec.substr(0, colon), b = spec.substr(colon + 1);
    from = std::stoi(a, &used_a);
    to = std::stoi(b, &used_b);
    if (used_a != a.size() || used_b != b.size()) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw std::invalid_argument("--profile-steps: expected A:B, got '" + spec + "'");
  }
  if (from < 0 || to <= from)
    throw std::invalid_argument("--profile-steps: need 0 <= A < B, got '" + spec + "'");
}

// The CUDA profiler's capture range (nsys --capture-range=cudaProfilerApi, ncu --profile-from-start off).
inline void cuda_profiler(bool start) {
#if defined(MYRIAD_HAVE_CUDA)
  const cudaError_t e = start ? cudaProfilerStart() : cudaProfilerStop();
  if (e != cudaSuccess)
    std::fprintf(stderr, "cudaProfiler%s: %s\n", start ? "Start" : "Stop", cudaGetErrorString(e));
#else
  (void)start;
#endif
}

}  // namespace myriad::bench
