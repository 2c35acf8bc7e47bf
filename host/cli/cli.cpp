// cli/cli.cpp: the `myriad` command line: parses the subcommands (run, render, conform, train) with
// CLI11 and turns every parse error into one line on stderr and exit code 2.
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/bench_command.hpp"
#include "cli/conform_command.hpp"
#include "cli/eval_command.hpp"
#include "cli/render_command.hpp"
#include "cli/run_command.hpp"
#include "cli/train_command.hpp"

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

int main(int argc, char** argv) {
  CLI::App app{"myriad: massive-agent grid-world simulator (MAgent2 battle rules) on CUDA or the CPU", "myriad"};
  RunOptions run_opts;
  RunOptions render_opts;
  ConformOptions conform_opts;
  CLI::App* run = add_run_command(app, run_opts);
  CLI::App* render = add_render_command(app, render_opts);
  CLI::App* conform = add_conform_command(app, conform_opts);
  TrainOptions train_opts;
  for (int i = 0; i < argc; ++i) train_opts.command_line += (i ? " " : "") + std::string(argv[i]);
  CLI::App* train = add_train_command(app, train_opts);
  BenchOptions bench_opts;
  bench_opts.command_line = train_opts.command_line;
  CLI::App* bench = add_bench_command(app, bench_opts);
  EvalOptions eval_opts;
  CLI::App* eval = add_eval_command(app, eval_opts);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    const CLI::App* sub = run->parsed()       ? run
                           : render->parsed()  ? render
                           : conform->parsed() ? conform
                           : train->parsed()   ? train
                           : bench->parsed()   ? bench
                           : eval->parsed()    ? eval
                                               : nullptr;
    std::cerr << "myriad: " << extras_message(app, sub, e) << "\n";
    if (!sub) std::cerr << app.help();
    return 2;
  } catch (const CLI::RequiredError& e) {
    if (conform->parsed())
      std::cerr << "myriad: conform: no FILE.json given; usage: myriad conform FILE.json... [--backend auto|cpu|cuda] "
                   "[--tol 1e-5]\n";
    else if (eval->parsed())
      std::cerr << "myriad: eval: two players needed; usage: myriad eval A B [--episodes 100] [--json FILE], "
                   "A and B each random, scripted, a checkpoint file or a run directory\n";
    else
      std::cerr << "myriad: " << e.what() << "\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    std::cerr << "myriad: " << e.what() << "\n";
    return 2;
  }
  if (run->parsed()) return run_command(run_opts, *run);
  if (render->parsed()) return render_command(render_opts, *render);
  if (conform->parsed()) return conform_command(conform_opts);
  if (train->parsed()) return train_command(train_opts);
  if (bench->parsed()) return bench_command(bench_opts);
  if (eval->parsed()) return eval_command(eval_opts);
  std::cerr << "myriad: no command given; valid: " << kCommands << "\n" << app.help();
  return 2;
}

}  // namespace myriad::cli
