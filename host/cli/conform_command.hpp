// cli/conform_command.hpp: `myriad conform FILE.json...`: replays MAgent2 conformance vectors on a
// backend through myriad::run_conformance and lists every mismatch.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "myriad/world.hpp"

namespace myriad::cli {

struct ConformOptions {
  std::vector<std::string> files;
  std::string scenario;  // also every bundled vector of this game (tests/data/conformance)
  std::string backend = "auto";
  std::string tol = "1e-5";
};

// The checked options: the backend, the tolerance and every vector to replay.
struct ConformSettings {
  BackendKind backend = BackendKind::kAuto;
  double tol = 0;
  std::vector<std::string> files;
};

// Registers the `conform` subcommand and its options into `o`.
CLI::App* add_conform_command(CLI::App& app, ConformOptions& o);
// 0 when every file passes, 1 when any value differs, 2 when a file cannot be read or is malformed
// (or the options are bad).
int conform_command(const ConformOptions& o);
// The options checked (a bad value, an unknown game or no vector at all: UsageError).
ConformSettings conform_settings(const ConformOptions& o);

}  // namespace myriad::cli
