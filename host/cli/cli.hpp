// cli/cli.hpp: the myriad command line (subcommands run, conform, ...).
#pragma once
namespace myriad::cli {
int main(int argc, char** argv);
}  // namespace myriad::cli
