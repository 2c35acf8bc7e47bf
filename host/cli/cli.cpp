// cli/cli.cpp: the `myriad` command line: parses the subcommands (run, render, conform, train) with
// CLI11 and turns every parse error into one line on stderr and exit code 2; the parsing and the options'
// checks are callable without running a command (parse_command_line, check_command_options).
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "cli/bench_command.hpp"
#include "cli/conform_command.hpp"
#include "cli/eval_command.hpp"
#include "cli/render_command.hpp"
#include "cli/run_command.hpp"
#include "cli/train_command.hpp"
#include "myriad/printable.hpp"

namespace myriad::cli {

namespace {

constexpr const char* kCommands = "run, render, conform, train, eval, bench";

// CLI11's "arguments were not expected" as one line that names the first stray argument.
std::string extras_message(const CLI::App& app, const CLI::App* sub, const CLI::ExtrasError& e) {
  std::vector<std::string> rest = sub ? sub->remaining() : std::vector<std::string>{};
  if (rest.empty()) rest = app.remaining();
  if (rest.empty()) return e.what();
  const std::string& a = rest.front();
  if (!sub) {
    if (!a.empty() && a[0] == '-') return "unknown option '" + a + "'; see 'myriad --help'";
    return "unknown command '" + a + "'; valid: " + kCommands;
  }
  const std::string where = "myriad " + sub->get_name();
  if (!a.empty() && a[0] == '-') return sub->get_name() + ": unknown option '" + a + "'; see '" + where + " --help'";
  return sub->get_name() + ": unexpected argument '" + a + "'; see '" + where + " --help'";
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
  ParsedCommandLine p;
  CLI::App app{"myriad: massive-agent grid-world simulator (MAgent2 battle rules) on CUDA or the CPU", "myriad"};
  CLI::App* run = add_run_command(app, p.run);
  CLI::App* render = add_render_command(app, p.render);
  CLI::App* conform = add_conform_command(app, p.conform);
  for (int i = 0; i < argc; ++i) p.train.command_line += (i ? " " : "") + std::string(argv[i]);
  CLI::App* train = add_train_command(app, p.train);
  p.bench.command_line = p.train.command_line;
  CLI::App* bench = add_bench_command(app, p.bench);
  CLI::App* eval = add_eval_command(app, p.eval);
  std::ostringstream out, err;
  auto done = [&](int code) {
    p.command = Command::kNone;
    p.exit_code = code;
    p.out = out.str();
    p.err = err.str();
    return p;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return done(app.exit(e, out, err));
  } catch (const CLI::CallForAllHelp& e) {
    return done(app.exit(e, out, err));
  } catch (const CLI::ExtrasError& e) {
    const CLI::App* sub = run->parsed()       ? run
                           : render->parsed()  ? render
                           : conform->parsed() ? conform
                           : train->parsed()   ? train
                           : bench->parsed()   ? bench
                           : eval->parsed()    ? eval
                                               : nullptr;
    err << "myriad: " << printable(extras_message(app, sub, e)) << "\n";
    if (!sub) err << app.help();
    return done(2);
  } catch (const CLI::RequiredError& e) {
    if (conform->parsed())
      err << "myriad: conform: no FILE.json given; usage: myriad conform FILE.json... [--backend auto|cpu|cuda] "
             "[--tol 1e-5]\n";
    else if (eval->parsed())
      err << "myriad: eval: two players needed; usage: myriad eval A B [--episodes 100] [--json FILE], "
             "A and B each random, scripted, a checkpoint file or a run directory\n";
    else
      err << "myriad: " << printable(e.what()) << "\n";
    return done(2);
  } catch (const CLI::ParseError& e) {
    err << "myriad: " << printable(e.what()) << "\n";
    return done(2);
  }
  for (RunOptions* o : {&p.run, &p.render}) {
    const CLI::App* sub = o == &p.run ? run : render;
    o->map_size_set = sub->count("--map-size") > 0;
    o->agents_set = sub->count("--agents-per-team") > 0;
    o->total_set = sub->count("--agents") > 0;
    o->steps_set = sub->count("--steps") > 0;
  }
  p.command = run->parsed()       ? Command::kRun
              : render->parsed()  ? Command::kRender
              : conform->parsed() ? Command::kConform
              : train->parsed()   ? Command::kTrain
              : bench->parsed()   ? Command::kBench
              : eval->parsed()    ? Command::kEval
                                  : Command::kNone;
  if (p.command == Command::kNone) {
    err << "myriad: no command given; valid: " << kCommands << "\n" << app.help();
    return done(2);
  }
  return p;
}

void check_command_options(const ParsedCommandLine& p) {
  switch (p.command) {
    case Command::kNone: return;
    case Command::kRun: parse_run_options(p.run); return;
    case Command::kRender: parse_run_options(render_run_options(p.render)); return;
    case Command::kConform: conform_settings(p.conform); return;
    case Command::kTrain: train_settings(p.train); return;
    case Command::kBench: bench_settings(p.bench); return;
    case Command::kEval: eval_settings(p.eval); return;
  }
}

int main(int argc, char** argv) {
  const ParsedCommandLine p = parse_command_line(argc, argv);
  switch (p.command) {
    case Command::kNone:
      std::cout << p.out;
      std::cerr << p.err;
      return p.exit_code;
    case Command::kRun: return run_command(p.run);
    case Command::kRender: return render_command(p.render);
    case Command::kConform: return conform_command(p.conform);
    case Command::kTrain: return train_command(p.train);
    case Command::kBench: return bench_command(p.bench);
    case Command::kEval: return eval_command(p.eval);
  }
  return 2;
}

}  // namespace myriad::cli
