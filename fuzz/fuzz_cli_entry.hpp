// fuzz/fuzz_cli_entry.hpp: one fuzz input through the command line's parsing and its options' checks
// (host/cli: parse_command_line, check_command_options), never running a command. Shared by
// fuzz/fuzz_cli.cpp and tests/fuzz_regressions_test.cpp; see fuzz_entries.hpp for what is a finding.
#pragma once
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "fuzz_entries.hpp"

namespace myriad::fuzz {

// The input split into arguments at NUL and newline bytes (at most 64), after argv[0] = "myriad".
inline std::vector<std::string> cli_arguments(const uint8_t* data, size_t size) {
  std::vector<std::string> args{"myriad"};
  std::string cur;
  for (size_t i = 0; i < size && args.size() < 65; ++i) {
    const char ch = static_cast<char>(data[i]);
    if (ch == '\0' || ch == '\n') {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty() && args.size() < 65) args.push_back(cur);
  return args;
}

inline std::string cli_entry(const uint8_t* data, size_t size) {
  const std::vector<std::string> args = cli_arguments(data, size);
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  cli::ParsedCommandLine p;
  const std::string r = refusal_of([&] { p = cli::parse_command_line(static_cast<int>(args.size()), argv.data()); });
  if (!r.empty()) finding("parse_command_line threw: " + r);
  if (p.command == cli::Command::kNone) {
    if (p.exit_code != 0 && p.exit_code != 2) finding("a parse ended with exit code " + std::to_string(p.exit_code));
    if (p.exit_code == 0) return "";  // --help: the help on stdout
    // A parse error: one line "myriad: ..." on stderr (for an unknown command, the help after it).
    const std::string first = p.err.substr(0, p.err.find('\n'));
    if (first.rfind("myriad: ", 0) != 0 || first.size() == 8) finding("a parse error without its message: " + first);
    return first;
  }
  return refusal_of([&] { cli::check_command_options(p); });
}

}  // namespace myriad::fuzz
