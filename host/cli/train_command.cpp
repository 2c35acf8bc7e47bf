// cli/train_command.cpp: the `myriad train` loop: config, run directory, Trainer episodes with metrics,
// progress and periodic checkpoints; --resume continues from checkpoints/latest.bin (replay starts empty).
#include "cli/train_command.hpp"

#include "myriad/input_file.hpp"
#include "myriad/games/game.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/options.hpp"
#include "cli/signal_stop.hpp"
#include "cli/progress.hpp"
#include "cli/render_command.hpp"
#include "cli/train_output.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/printable.hpp"
#include "myriad/trainer.hpp"

namespace myriad::cli {

namespace {


// A config is a few kilobytes; a megabyte bounds what a mistaken path (a log, /dev/zero) can cost.
constexpr uint64_t kMaxConfigBytes = 1 << 20;

std::string read_file(const std::string& path) {
  try {
    return read_input_text(path, "config", kMaxConfigBytes);
  } catch (const std::runtime_error& e) {
    throw ConfigError(e.what());
  }
}

std::string default_out_dir() {
  const std::time_t now = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "runs/train-%Y%m%d-%H%M%S", std::localtime(&now));
  return buf;
}

// One episode's line: the learner's group, both roles' kills, survivors and return per agent, and the
// learner's losses (Q-learners: TD loss, mean Q, exploration; actor-critic: critic loss, actor loss, H(π)).
std::string episode_line(const Trainer& t, const EpisodeMetrics& m) {
  const TrainConfig& c = t.config();
  const std::string learner = t.world().config().groups[static_cast<size_t>(m.learner_group)].name;
  char tail[128];
  if (is_actor_critic(c.algorithm))
    std::snprintf(tail, sizeof tail, "critic loss %.4g, actor loss %.4g, entropy %.3f, beta %.3g", m.loss, m.actor_loss,
                  m.entropy, m.temperature);
  else
    std::snprintf(tail, sizeof tail, "loss %.4g, mean Q %.3f, %s %.3g", m.loss, m.mean_q,
                  c.exploration == Exploration::kEpsilon ? "eps" : "T", m.temperature);
  char buf[480];
  std::snprintf(buf, sizeof buf,
                "episode %lld/%lld (learner %s): steps %lld, kills %lld v %lld, hits %lld v %lld, survivors %lld v %lld, "
                "return/agent %.3f v %.3f, %s, %s agent-steps/s, %.1f s",
                static_cast<long long>(m.episode + 1), static_cast<long long>(c.episodes), learner.c_str(),
                static_cast<long long>(m.steps), static_cast<long long>(m.kills[0]),
                static_cast<long long>(m.kills[1]), static_cast<long long>(m.hits[0]),
                static_cast<long long>(m.hits[1]), static_cast<long long>(m.survivors[0]),
                static_cast<long long>(m.survivors[1]), m.per_agent_return[0], m.per_agent_return[1], tail,
                format_rate(m.agent_steps_per_s).c_str(), m.seconds);
  return buf;
}

// "red 64, blue 64" (the groups that act) and "red and blue in turn" / "red" (what the learner plays).
std::string group_sizes(const World& w) {
  std::string s;
  for (int g = 0; g < w.config().n_groups(); ++g) {
    const GroupConfig& gc = w.config().groups[static_cast<size_t>(g)];
    s += (s.empty() ? "" : ", ") + gc.name + " " + std::to_string(gc.count);
  }
  return s;
}

// Plays the next training episode step by step, writing a frame every render_steps steps.
EpisodeMetrics render_episode(Trainer& trainer, const TrainOptions& o, const std::string& run_dir) {
  char name[32];
  std::snprintf(name, sizeof name, "episode_%06lld", static_cast<long long>(trainer.episode()));
  RenderSettings r;
  r.every = o.render_steps;
  r.dir = (std::filesystem::path(run_dir) / "frames" / name).string();
  if (o.render_video) r.video = (std::filesystem::path(run_dir) / "frames" / (std::string(name) + ".mp4")).string();
  r.params = fit_render(trainer.world().config());
  FrameRecorder rec(r, false);
  while (true) {
    const bool ended = trainer.train_step();
    rec.maybe_capture(trainer.world(), 0);  // every render_steps steps and the last one
    if (ended) break;
  }
  rec.finish();
  return trainer.last_episode();
}

}  // namespace

CLI::App* add_train_command(CLI::App& app, TrainOptions& o) {
  CLI::App* t = app.add_subcommand("train", "Train a game's groups with MF-Q, IQL, MF-AC, AC, VDN, QMIX or MFQMIX (algorithms.md in the project docs (shared/docs))");
  t->add_option("--config", o.config_path, "TOML file of training settings (keys as for --set)")->type_name("FILE");
  t->add_option("--scenario", o.scenario, "Game (" + scenario_list() + "): as --set scenario=GAME");
  t->add_option("--set", o.sets, "Override one setting, e.g. --set episodes=10 --set algorithm=iql")
      ->type_name("KEY=VALUE")->take_all();
  t->add_option("--backend", o.backend, "auto, cpu or cuda")->capture_default_str();
  t->add_option("--out", o.out, "Run directory (default runs/train-DATE-TIME)")->type_name("RUN_DIR");
  t->add_option("--resume", o.resume, "Continue the run in RUN_DIR from checkpoints/latest.bin")->type_name("RUN_DIR");
  t->add_option("--init-from", o.init_from,
                "Start the networks from a checkpoint of the same game, algorithm and shape, any population: as --set "
                "init_from=FILE")
      ->type_name("CHECKPOINT");
  t->add_option("--render-every", o.render_every,
                "Write frames of every K-th training episode (the first included) to RUN_DIR/frames/episode_EEEEEE/")
      ->type_name("K")->check(CLI::NonNegativeNumber);
  t->add_option("--render-steps", o.render_steps, "Steps between frames of a rendered episode")
      ->type_name("N")->check(CLI::PositiveNumber)->capture_default_str();
  t->add_flag("--render-video", o.render_video, "Also an MP4 per rendered episode (needs ffmpeg on PATH)");
  t->add_flag("--quiet,-q", o.quiet, "Only the final summary");
  return t;
}

TrainConfig load_train_config(const TrainOptions& o, bool cuda) {
  TrainConfig c;
  if (!o.resume.empty()) {
    if (!o.config_path.empty()) throw ConfigError("--config and --resume: the resumed run keeps its config.toml");
    const std::string p = (std::filesystem::path(o.resume) / "config.toml").string();
    apply_toml(c, read_file(p), p);
  } else if (!o.config_path.empty()) {
    apply_toml(c, read_file(o.config_path), o.config_path);
  }
  if (!o.scenario.empty()) c.scenario = parse_scenario_option(o.scenario);
  if (!o.init_from.empty()) {
    if (!o.resume.empty()) throw ConfigError("--init-from and --resume: a resumed run continues from its own checkpoint");
    c.init_from = o.init_from;
  }
  for (const std::string& s : o.sets) apply_override(c, s);
  if (!o.resume.empty()) c.init_from.clear();  // the resumed run's networks come from its own checkpoint
  resolve_defaults(c, cuda);
  validate_train_config(c);
  return c;
}

TrainSettings train_settings(const TrainOptions& o) {
  TrainSettings s;
  s.kind = parse_backend_option(o.backend);
  require_backend_available(s.kind);
  if (s.kind == BackendKind::kAuto) s.kind = cuda_device_available() ? BackendKind::kCuda : BackendKind::kCpu;
  s.config = load_train_config(o, s.kind == BackendKind::kCuda);
  if (!o.resume.empty() && !o.out.empty() && o.out != o.resume)
    throw ConfigError("--out and --resume: a resumed run writes into its own directory");
  return s;
}

int train_command(const TrainOptions& o) {
  BackendKind kind;
  TrainConfig c;
  std::unique_ptr<Trainer> trainer;
  try {
    TrainSettings s = train_settings(o);
    kind = s.kind;
    c = std::move(s.config);
    trainer = std::make_unique<Trainer>(c, kind);
    // A checkpoint that does not fit this run is refused here, before the run directory is touched.
    if (!o.resume.empty()) trainer->restore(read_checkpoint(latest_checkpoint_path(o.resume)));
  } catch (const std::exception& e) {  // ConfigError, UsageError, invalid_argument, runtime_error
    std::cerr << "myriad: train: " << printable(e.what()) << "\n";
    return 2;
  }
  try {
    const SignalStop stop;  // SIGINT, SIGTERM and SIGHUP end the run after its episode, with a checkpoint
    const bool resume = !o.resume.empty();
    const std::string dir = resume ? o.resume : (o.out.empty() ? default_out_dir() : o.out);
    int64_t resumed_from = -1;
    if (resume) resumed_from = trainer->episode();
    TrainOutput out(dir, resumed_from);
    out.write_config(to_toml(c));
    const std::string device = kind == BackendKind::kCuda ? cuda_device_description() : "";
    out.write_run_json(trainer->world().backend_name(), device, c.seed, o.command_line, resumed_from);
    if (!o.quiet) {
      const WorldConfig& wc = trainer->world().config();
      std::printf("myriad train: %s learning %s%s v %s, %s on %dx%d, %lld steps, episodes %lld..%lld, "
                  "backend %s%s%s, run dir %s\n",
                  algorithm_name(c.algorithm), trainer->learner_side_name().c_str(),
                  c.swap_sides.value_or(false) ? " (both sides in turn)" : "", opponent_name(c.opponent),
                  group_sizes(trainer->world()).c_str(), wc.width, wc.height, static_cast<long long>(c.max_steps),
                  static_cast<long long>(trainer->episode() + 1), static_cast<long long>(c.episodes),
                  trainer->world().backend_name(), device.empty() ? "" : " on ", device.c_str(), dir.c_str());
      const TrainMemory& m = trainer->memory();
      std::printf("memory planned: %s (world %s, replay %s, networks %s, rows and batches %s)\n", gib(m.total()).c_str(),
                  gib(m.world).c_str(), gib(m.replay).c_str(), gib(m.networks).c_str(), gib(m.rows + m.batch).c_str());
      if (resume)
        std::printf("resumed from %s at episode %lld (the replay buffer is not restored: it starts empty)\n",
                    latest_checkpoint_path(dir).c_str(), static_cast<long long>(resumed_from));
      std::fflush(stdout);
    }
    const bool tty = isatty(fileno(stdout)) != 0;
    auto last_print = std::chrono::steady_clock::now() - std::chrono::seconds(60);
    // The autosave: latest.bin once autosave_seconds have passed and 50 write times have (< 2%).
    auto last_save = std::chrono::steady_clock::now();
    double save_seconds = 0;
    EpisodeMetrics last{};
    const auto run_start = std::chrono::steady_clock::now();
    const int64_t first_episode = trainer->episode();
    bool any = false, shown = false;  // shown: the last episode's line is already on its own line
    while (trainer->episode() < c.episodes && !SignalStop::requested()) {
      const int64_t ep = trainer->episode();
      if (o.render_every > 0 && ep % o.render_every == 0) {
        last = render_episode(*trainer, o, dir);
      } else {
        last = trainer->run_episode();
      }
      any = true;
      out.write_metrics(last);
      const auto t_saved = std::chrono::steady_clock::now();
      const double since = std::chrono::duration<double>(t_saved - last_save).count();
      const bool numbered = c.checkpoint_every > 0 && trainer->episode() % c.checkpoint_every == 0;
      const bool autosave = since >= static_cast<double>(c.autosave_seconds) && since >= 50 * save_seconds;
      if (trainer->episode() < c.episodes && !SignalStop::requested() && (numbered || autosave)) {
        numbered ? static_cast<void>(out.write_checkpoint(trainer->checkpoint())) : out.write_latest(trainer->checkpoint());
        last_save = std::chrono::steady_clock::now();
        save_seconds = std::chrono::duration<double>(last_save - t_saved).count();
      }
      shown = false;
      if (o.quiet) continue;
      const auto now = std::chrono::steady_clock::now();
      const double elapsed = std::chrono::duration<double>(now - run_start).count();
      const int64_t done_here = trainer->episode() - first_episode, left = c.episodes - trainer->episode();
      const std::string eta = done_here > 0 && left > 0
                                  ? ", " + format_duration(elapsed / static_cast<double>(done_here) *
                                                           static_cast<double>(left)) + " left"
                                  : "";
      if (tty) {
        std::printf("\r\033[K%s%s", episode_line(*trainer, last).c_str(), eta.c_str());
      } else if (now - last_print >= std::chrono::seconds(10) || trainer->episode() == c.episodes) {
        std::printf("%s%s\n", episode_line(*trainer, last).c_str(), eta.c_str());
        last_print = now;
        shown = true;
      }
      std::fflush(stdout);
    }
    if (tty && !o.quiet && any) std::printf("\n");
    const std::string path = out.write_checkpoint(trainer->checkpoint());
    if (any && !shown) std::printf("%s\n", episode_line(*trainer, last).c_str());
    std::printf("checkpoint %s, metrics %s/metrics.csv\n", path.c_str(), dir.c_str());
    if (SignalStop::requested()) {
      std::cerr << "myriad: train: interrupted after episode " << trainer->episode() << "; resume with --resume " << dir
                << "\n";
      return 130;
    }
  } catch (const std::exception& e) {
    std::cerr << "myriad: train failed: " << printable(e.what()) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace myriad::cli
