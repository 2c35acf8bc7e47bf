// cli/conform_command.cpp: prints PASS/FAIL per conformance vector with its first 50 mismatches,
// and turns the results into the exit code scripts and CI check.
#include "cli/conform_command.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/options.hpp"
#include "myriad/conformance.hpp"
#include "myriad/games/game.hpp"
#include "myriad/printable.hpp"

namespace myriad::cli {

namespace {

constexpr size_t kMaxMismatchLines = 50;

void print_result(const ConformanceResult& r) {
  if (r.ok()) {
    std::printf("PASS %s (%d steps, %d values)\n", r.name.c_str(), r.steps, r.checked);
    return;
  }
  std::printf("FAIL %s (%d steps, %d values, %zu mismatches)\n", r.name.c_str(), r.steps, r.checked,
              r.mismatch_count());
  for (size_t k = 0; k < r.mismatches.size() && k < kMaxMismatchLines; ++k) {
    const auto& m = r.mismatches[k];
    std::printf("  step %d agent %s field %s: expected %s, got %s\n", m.step,
                m.agent.empty() ? "-" : m.agent.c_str(), m.field.c_str(), m.expected.c_str(), m.got.c_str());
  }
  if (r.mismatch_count() > kMaxMismatchLines)
    std::printf("  ... and %zu more mismatches\n", r.mismatch_count() - kMaxMismatchLines);
}

// The vectors bundled with the source tree for a game (battle's at the top of the folder, the others'
// in a folder named after MAgent2's environment), or every game's for "all".
std::vector<std::string> bundled_vectors(const std::string& game) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(MYRIAD_SOURCE_DIR) / "tests" / "data" / "conformance";
  std::vector<Scenario> games;
  if (game == "all") {
    for (Scenario s : {Scenario::kBattle, Scenario::kBattlefield, Scenario::kAdversarialPursuit, Scenario::kGather,
                       Scenario::kTigerDeer, Scenario::kCombinedArms})
      games.push_back(s);
  } else {
    games.push_back(parse_scenario_option(game));
  }
  std::vector<std::string> out;
  for (Scenario s : games) {
    const fs::path dir = s == Scenario::kBattle ? root : root / game_spec(s).magent_name;
    std::error_code ec;
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".json") v.push_back(e.path().string());
    if (v.empty())
      throw UsageError("--scenario: no bundled vectors of " + std::string(scenario_name(s)) + " under " + dir.string() +
                       " (the source tree's tests/data/conformance); give FILE.json ...");
    std::sort(v.begin(), v.end());
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

}  // namespace

CLI::App* add_conform_command(CLI::App& app, ConformOptions& o) {
  CLI::App* c = app.add_subcommand("conform", "Replay MAgent2 conformance vectors and list every mismatch");
  c->add_option("files", o.files, "Conformance vectors (JSON)")->type_name("FILE.json");
  c->add_option("--scenario", o.scenario,
                "Also every vector bundled with the source for this game (tests/data/conformance), or all: every game's");
  c->add_option("--backend", o.backend, "auto (CUDA when a device answers), cpu or cuda")->capture_default_str();
  c->add_option("--tol", o.tol, "Tolerance on floats: |expected - got| <= tol")
      ->type_name("FLOAT")->capture_default_str();
  return c;
}

ConformSettings conform_settings(const ConformOptions& o) {
  ConformSettings s;
  s.backend = parse_backend_option(o.backend);
  require_backend_available(s.backend);
  s.tol = parse_float_option("--tol", o.tol);
  if (s.tol < 0) throw UsageError("--tol: must be >= 0 (got " + o.tol + ")");
  s.files = o.files;
  if (!o.scenario.empty()) {
    const std::vector<std::string> bundled = bundled_vectors(o.scenario);
    s.files.insert(s.files.end(), bundled.begin(), bundled.end());
  }
  if (s.files.empty()) throw UsageError("conform: no vectors; give FILE.json ... or --scenario GAME (or all)");
  return s;
}

int conform_command(const ConformOptions& o) {
  ConformSettings s;
  try {
    s = conform_settings(o);
  } catch (const UsageError& e) {
    std::cerr << "myriad: " << printable(e.what()) << "\n";
    return 2;
  }
  int code = 0;
  for (const auto& path : s.files) {
    try {
      const ConformanceResult r = run_conformance(path, s.backend, s.tol);
      print_result(r);
      if (!r.ok() && code == 0) code = 1;
    } catch (const std::exception& e) {  // unreadable or malformed: run_conformance names the file
      std::fflush(stdout);
      std::printf("ERROR %s\n", path.c_str());
      std::fflush(stdout);
      std::cerr << "myriad: conform: " << printable(e.what()) << "\n";
      code = 2;
    }
  }
  std::fflush(stdout);
  return code;
}

}  // namespace myriad::cli
