// cli/run_command.hpp: `myriad run`: plays episodes of a scenario with scripted policies and
// reports per-episode totals, throughput and (with --stats) a per-step JSONL log.
#pragma once
#include <CLI/CLI.hpp>

#include "cli/options.hpp"

namespace myriad::cli {

// Registers the `run` subcommand and its options (each with its default in --help) into `o`.
CLI::App* add_run_command(CLI::App& app, RunOptions& o);
// Runs after parsing (o's *_set flags filled by parse_command_line); returns the exit code (0 ok, 1
// failure during the run, 2 bad input).
int run_command(RunOptions o);

}  // namespace myriad::cli
