// conformance.hpp: runs a MAgent2 conformance vector (shared/conformance format: explicit start
// positions and actions, the engine's results after every step) on a backend and lists every
// mismatch. The `myriad conform` command and the tests use this one implementation.
#pragma once
#include <string>
#include <vector>

#include "myriad/world.hpp"

namespace myriad {

struct ConformanceMismatch {
  int step = 0;           // t of the result that differs
  std::string agent;      // "red:0", or "" for a per-step field such as done
  std::string field;      // x, y, alive, reward, hp_frac, done, view[r][c][ch], features[k], ...
  std::string expected, got;
};

struct ConformanceResult {
  std::string name;       // the vector's name
  std::string path;
  int steps = 0;          // steps played
  int checked = 0;        // values compared
  std::vector<ConformanceMismatch> mismatches;  // the first kMaxRecordedMismatches of them
  size_t unrecorded = 0;  // mismatches past those, counted only (a vector unlike the world in every value)
  static constexpr size_t kMaxRecordedMismatches = 100000;
  size_t mismatch_count() const { return mismatches.size() + unrecorded; }
  bool ok() const { return mismatches.empty(); }
};

// Throws std::runtime_error with the path and the reason when the file cannot be read or does
// not follow the format, or asks for a replay too large to check quickly (a map side over 1024, or
// map_size² × steps over 2^25; MAgent2's vectors are at most 200² × 1 and 12² × 104). Floats are
// compared with |expected - got| <= tol.
ConformanceResult run_conformance(const std::string& path, BackendKind backend, double tol = 1e-5);
// The same for a vector's text already in memory; `source` names it in messages (and in the result's path).
ConformanceResult run_conformance_text(const std::string& text, const std::string& source, BackendKind backend,
                                       double tol = 1e-5);

}  // namespace myriad
