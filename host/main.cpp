// main.cpp: the myriad executable's entry point; subcommands live in host/cli/.
#include "cli/cli.hpp"
#include "cli/openmp_wait.hpp"
int main(int argc, char** argv) {
  myriad::cli::prefer_passive_openmp(argv);
  return myriad::cli::main(argc, argv);
}
