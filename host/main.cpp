// main.cpp: the myriad executable's entry point; subcommands live in host/cli/.
#include "cli/cli.hpp"
int main(int argc, char** argv) { return myriad::cli::main(argc, argv); }
