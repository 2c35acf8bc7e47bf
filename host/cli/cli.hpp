// cli/cli.hpp: the myriad command line (subcommands run and conform); host/main.cpp calls main()
// here so that the parsing, the subcommands and their exit codes live in host/cli/ only.
#pragma once
namespace myriad::cli {
// Returns the process exit code: 0 success, 1 a failure or mismatch, 2 bad input, 130 interrupted.
int main(int argc, char** argv);
}  // namespace myriad::cli
