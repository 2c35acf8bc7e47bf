// cli/eval_command.hpp: `myriad eval A B`: head-to-head evaluation of two checkpoints (or a checkpoint
// and a scripted or random policy), greedy, sides swapped every other episode; a summary and JSON.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "myriad/evaluate.hpp"

namespace myriad::cli {

struct EvalOptions {
  std::string a, b;
  std::string scenario;  // empty: from the checkpoints (else battle)
  std::string episodes = "100";
  std::string agents_per_team, map_size, max_steps;  // empty: from the checkpoints
  std::string seed = "1000000";
  std::string backend = "auto";
  std::string placement = "blocks";
  std::string json;
  bool no_swap = false;
  bool greedy_actor = false;
  bool quiet = false;
};

CLI::App* add_eval_command(CLI::App& app, EvalOptions& o);
// The players resolved and the options checked (the checkpoints read: a bad file fails here); throws
// UsageError, std::invalid_argument or std::runtime_error.
EvalConfig eval_settings(const EvalOptions& o);
// Exit code: 0 done, 1 failure while playing, 2 bad options or an unusable checkpoint.
int eval_command(const EvalOptions& o);

}  // namespace myriad::cli
