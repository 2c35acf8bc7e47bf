// cli.cpp: placeholder (the CLI lands with the run and conform subcommands).
#include "cli/cli.hpp"
namespace myriad::cli {
int main(int, char**) { return 0; }
}  // namespace myriad::cli
