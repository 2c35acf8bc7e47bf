// cli/cli.hpp: the myriad command line; host/main.cpp calls main() here so that the parsing, the
// subcommands and their exit codes live in host/cli/ only. parse_command_line and
// check_command_options are the parsing and the options' checks without running anything (main uses
// them; so do the fuzz target fuzz/fuzz_cli.cpp and tests/fuzz_regressions_test.cpp).
#pragma once
#include <string>

#include "cli/bench_command.hpp"
#include "cli/conform_command.hpp"
#include "cli/eval_command.hpp"
#include "cli/options.hpp"
#include "cli/train_command.hpp"

namespace myriad::cli {

enum class Command { kNone, kRun, kRender, kConform, kTrain, kBench, kEval };

// A parsed command line: the command and its options as typed, or (command kNone) what to print and
// the exit code to return (--help: the help on stdout and 0; a parse error: one line on stderr and 2).
struct ParsedCommandLine {
  Command command = Command::kNone;
  int exit_code = 2;  // for kNone
  std::string out, err;
  RunOptions run, render;  // run: --map-size, --agents-per-team, --agents, --steps given or not already set
  ConformOptions conform;
  TrainOptions train;
  BenchOptions bench;
  EvalOptions eval;
};

// Parses argv (argv[0] the program) with CLI11; prints nothing and throws nothing but std::bad_alloc.
ParsedCommandLine parse_command_line(int argc, const char* const* argv);
// The command's checks of its options before it runs (numbers, names, backend, the training config with
// its file and --set list, the players of eval); throws the std::exception the command reports with exit
// code 2. Reads the files the options name (a config, a checkpoint), writes nothing, builds no world.
void check_command_options(const ParsedCommandLine& p);

// Returns the process exit code: 0 success, 1 a failure or mismatch, 2 bad input, 130 interrupted.
int main(int argc, char** argv);
}  // namespace myriad::cli
