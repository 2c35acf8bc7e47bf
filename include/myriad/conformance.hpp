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
  std::vector<ConformanceMismatch> mismatches;
  bool ok() const { return mismatches.empty(); }
};

// Throws std::runtime_error with the path and the reason when the file cannot be read or does
// not follow the format. Floats are compared with |expected - got| <= tol.
ConformanceResult run_conformance(const std::string& path, BackendKind backend, double tol = 1e-5);

}  // namespace myriad
