// cli/options.cpp: turns the `run` options into a checked RunSettings (numbers, policies, backend,
// map and mean-action choices), so that every bad input ends as one line that says what would work.
#include "cli/options.hpp"
#include "cli/train_output.hpp"

#include <filesystem>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "myriad/agent_type.hpp"
#include "myriad/games/game.hpp"
#include "video_writer.hpp"

namespace myriad::cli {

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Strict integer: optional '-', digits, nothing else. False on anything else or overflow.
bool to_int64(const std::string& text, int64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end;
}

// Smallest square map side on which the agents of `c` find room (blocks or random), or -1.
int min_map_side(WorldConfig c) {
  auto fits = [&c](int side) {
    c.width = c.height = side;
    return !starts_with(validate(c), "map too small");
  };
  int lo = 3, hi = 65535;
  if (!fits(hi)) return -1;
  while (lo < hi) {  // room only grows with the side
    const int mid = lo + (hi - lo) / 2;
    if (fits(mid)) hi = mid; else lo = mid + 1;
  }
  return lo;
}

std::string too_small_message(const WorldConfig& cfg, bool map_set) {
  const int64_t n = cfg.groups.empty() ? 0 : cfg.groups[0].count;
  const int side = cfg.width;
  std::string msg = "--map-size: " + std::to_string(side);
  if (!map_set) msg += " (from --agents-per-team " + std::to_string(n) + ")";
  const int need = min_map_side(cfg);
  if (need < 0)
    return "--agents-per-team: " + std::to_string(n) + " per team do not fit on the largest map "
           "(--map-size 65535); use fewer --agents-per-team";
  const bool blocks = cfg.placement == Placement::kDefault;
  int random_need = need;
  if (blocks) {
    WorldConfig r = cfg;
    r.placement = Placement::kRandom;
    random_need = min_map_side(r);
  }
  msg += " is too small for " + std::to_string(n) + (n == 1 ? " agent" : " agents") + " per team";
  if (blocks && random_need >= 0 && random_need < need) msg += " in blocks";
  msg += "; use --map-size >= " + std::to_string(need);
  if (blocks && random_need >= 0 && random_need <= side) msg += " or --placement random";
  if (n > 1) msg += " or fewer --agents-per-team";
  return msg;
}

Placement parse_placement(const std::string& s) {
  if (s == "default" || s == "blocks") return Placement::kDefault;
  if (s == "random") return Placement::kRandom;
  throw UsageError("--placement: unknown placement " + quoted(s) +
                   "; valid: default (the game's map generator; battle's blocks), random");
}

MeanActionMode parse_mean_mode(const std::string& s) {
  if (s == "radius") return MeanActionMode::kRadius;
  if (s == "team") return MeanActionMode::kTeamWide;
  if (s == "off") return MeanActionMode::kOff;
  throw UsageError("--mean-mode: unknown mode " + quoted(s) + "; valid: radius, team, off");
}

Metric parse_metric(const std::string& s) {
  if (s == "chebyshev") return Metric::kChebyshev;
  if (s == "euclidean") return Metric::kEuclidean;
  throw UsageError("--mean-metric: unknown metric " + quoted(s) + "; valid: chebyshev, euclidean");
}

ObsDtype parse_obs_dtype(const std::string& s) {
  if (s == "f32") return ObsDtype::kF32;
  if (s == "bf16") return ObsDtype::kBf16;
  throw UsageError("--obs-dtype: unknown dtype " + quoted(s) + "; valid: f32, bf16");
}

// The game's config at the user's explicit sizes; 0 means "derive it" (games/game.hpp).
WorldConfig sized_game_config(const RunOptions& o, Scenario sc) {
  GameSize size;
  if (o.agents_set) {
    const int64_t n = parse_int_option("--agents-per-team", o.agents_per_team, 1);
    if (n > std::numeric_limits<int32_t>::max() / 2)
      throw UsageError("--agents-per-team: at most " + std::to_string(std::numeric_limits<int32_t>::max() / 2) +
                       " per team (2^31-1 agents in one world; got " + std::to_string(n) + ")");
    size.agents_per_team = n;
  }
  if (o.total_set) {
    const int64_t n = parse_int_option("--agents", o.agents, 1);
    if (n > std::numeric_limits<int32_t>::max())
      throw UsageError("--agents: at most 2^31-1 agents in one world (got " + std::to_string(n) + ")");
    size.agents = n;
  }
  if (o.map_size_set) {
    const int64_t side = parse_int_option("--map-size", o.map_size, 1);
    if (side > 65535) throw UsageError("--map-size: must be between 3 and 65535 (got " + std::to_string(side) + ")");
    size.map_size = static_cast<int>(side);
  }
  if (sc == Scenario::kBattle) {
    if (!o.map_size_set && o.agents_set && battle_map_side_for(size.agents_per_team) > 65535)
      throw UsageError("--agents-per-team: " + std::to_string(size.agents_per_team) + " per team needs a map side of " +
                       std::to_string(battle_map_side_for(size.agents_per_team)) +
                       ", above the 65535 maximum; use fewer --agents-per-team or set --map-size");
    if (o.map_size_set && !o.agents_set && !o.total_set && battle_block_count_for(size.map_size) < 1)
      throw UsageError("--map-size: " + std::to_string(size.map_size) +
                       " gives 0 agents per team by MAgent's block count; use --map-size >= 5 or set --agents-per-team");
  }
  try {
    return game_config(sc, size);
  } catch (const std::invalid_argument& e) {
    throw UsageError(with_flag_names(e.what()));
  }
}

// --every/--render-every, --out/--render-dir, --video, --size, --crop x,y,w,h and --fps.
RenderSettings parse_render_settings(const RunOptions& o, const WorldConfig& cfg) {
  RenderSettings r;
  const std::string every_opt = o.render_command ? "--every" : "--render-every";
  const std::string dir_opt = o.render_command ? "--out" : "--render-dir";
  r.every = parse_int_option(every_opt, o.render_every, o.render_command ? 1 : 0);
  r.dir = o.render_dir;
  r.video = o.video;
  if (!r.enabled()) {
    if (!r.dir.empty()) throw UsageError(dir_opt + ": frames need " + every_opt + " K (K >= 1)");
    return r;
  }
  if (r.dir.empty() && r.video.empty())
    throw UsageError(every_opt + ": no destination for the frames; give " + dir_opt + " DIR" +
                     (o.render_command ? " and/or --video FILE.mp4" : ""));
  if (!r.video.empty() && !ffmpeg_available())
    throw UsageError("--video: ffmpeg is not on PATH; install it (Debian/Ubuntu: apt-get install ffmpeg) or "
                     "write PNG frames with " + dir_opt);
  r.fps = static_cast<int>(std::min<int64_t>(parse_int_option("--fps", o.fps, 1), 240));
  const int64_t size = parse_int_option("--size", o.size, 1);
  if (size > 16384) throw UsageError("--size: at most 16384 pixels a side (got " + o.size + ")");
  int64_t c[4] = {0, 0, 0, 0};
  if (!o.crop.empty()) {
    size_t start = 0;
    for (int k = 0; k < 4; ++k) {
      const size_t comma = k < 3 ? o.crop.find(',', start) : o.crop.size();
      if (comma == std::string::npos || !to_int64(o.crop.substr(start, comma - start), c[k]) ||
          c[k] < (k < 2 ? 0 : 1) || c[k] > 65535)
        throw UsageError("--crop: " + quoted(o.crop) + " is not x,y,w,h (x, y >= 0; w, h >= 1 cells)");
      start = comma + 1;
    }
    if (c[0] + c[2] > cfg.width || c[1] + c[3] > cfg.height)
      throw UsageError("--crop: " + quoted(o.crop) + " leaves the " + std::to_string(cfg.width) + "x" +
                       std::to_string(cfg.height) + " map; need x+w <= " + std::to_string(cfg.width) +
                       " and y+h <= " + std::to_string(cfg.height));
  }
  r.params = fit_render(cfg, static_cast<int>(size), static_cast<int>(c[0]), static_cast<int>(c[1]),
                        static_cast<int>(c[2]), static_cast<int>(c[3]));
  return r;
}

}  // namespace

void add_world_options(CLI::App& sub, RunOptions& o) {
  sub.add_option("--scenario", o.scenario, "Game: " + scenario_list() + " (or MAgent2's names, e.g. battle_v4)")
      ->capture_default_str();
  sub.add_option("--map-size", o.map_size,
                 "Map side S (the game's population follows it); battle: without it S = ceil(5*sqrt(N)) for "
                 "--agents-per-team N, or 45 when neither is given")
      ->type_name("INT")->capture_default_str();
  sub.add_option("--agents-per-team", o.agents_per_team,
                 "Agents per team (battle, battlefield), side (combined_arms) or omnivores (gather); battle: without "
                 "it MAgent's block count for --map-size S, or 81 when neither is given")
      ->type_name("INT")->capture_default_str();
  sub.add_option("--agents", o.agents, "The whole population: the game's map side for about that many agents")
      ->type_name("INT")->capture_default_str();
  sub.add_option("--placement", o.placement, "Start positions: default (the game's map generator; battle's blocks) "
                 "or random")->capture_default_str();
  sub.add_option("--policy", o.policy,
                 "Per group: GROUP=P,... (battle: red=P,blue=P), or one P for all; P is random, random:A-B (actions "
                 "A..B), noop, scripted, "
                 "a checkpoint file (*.bin) or a training run directory (its latest checkpoint: a Q-network plays "
                 "greedily, an actor samples its policy)")
      ->capture_default_str();
  sub.add_flag("--greedy-actor", o.greedy_actor, "Actor-critic checkpoints (mfac, ac) play argmax π instead of sampling π");
  sub.add_option("--steps", o.steps, "Steps per episode (max_steps: the episode is truncated there); default: the "
                 "game's max_cycles (battle 1000)")
      ->type_name("INT")->capture_default_str();
  sub.add_option("--seed", o.seed, "Seed s of the first episode")->type_name("INT")->capture_default_str();
  sub.add_option("--backend", o.backend, "auto (CUDA when a device answers), cpu or cuda")->capture_default_str();
  sub.add_flag("--minimap", o.minimap, "Add the minimap channels and x/W, y/H features to observations");
  sub.add_option("--mean-radius", o.mean_radius, "Radius of the mean-action neighbourhood (> 0)")
      ->type_name("FLOAT")->capture_default_str();
  sub.add_option("--mean-metric", o.mean_metric, "Mean-action distance: chebyshev or euclidean")
      ->capture_default_str();
  sub.add_option("--mean-mode", o.mean_mode, "Mean action: radius, team (team-wide) or off")->capture_default_str();
  sub.add_option("--obs-dtype", o.obs_dtype, "Observation storage: f32 or bf16")->capture_default_str();
}

int64_t parse_int_option(const std::string& option, const std::string& text, int64_t min_value) {
  int64_t v = 0;
  const std::string want = min_value == 1 ? "a positive integer" : min_value == 0 ? "a non-negative integer"
                                                                                  : "an integer >= " + std::to_string(min_value);
  if (!to_int64(text, v)) {
    const bool digits = !text.empty() && text.find_first_not_of("0123456789", text[0] == '-' ? 1 : 0) == std::string::npos;
    throw UsageError(option + ": " + quoted(text) + (digits && text != "-" ? " is out of range" : " is not an integer") +
                     "; use " + want);
  }
  if (v < min_value) throw UsageError(option + ": must be " + want + " (got " + text + ")");
  return v;
}

uint64_t parse_seed_option(const std::string& option, const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != end)
    throw UsageError(option + ": " + quoted(text) + " is not an integer; use an integer in [0, 2^64-1]");
  return v;
}

double parse_float_option(const std::string& option, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v))
    throw UsageError(option + ": " + quoted(text) + " is not a number; use a finite number such as 6 or 1e-5");
  return v;
}

PolicySpec parse_policy(const std::string& text, const std::string& team, int n_actions) {
  const std::string valid = "valid: random, random:A-B (0 <= A <= B <= " + std::to_string(n_actions - 1) +
                            "), noop, scripted";
  PolicySpec p;
  if (text == "random") return p;
  if (text == "noop") { p.kind = PolicyKind::kNoop; return p; }
  if (text == "scripted") { p.kind = PolicyKind::kScripted; return p; }
  if (starts_with(text, "random:")) {
    const std::string range = text.substr(7);
    const auto dash = range.find('-');
    int64_t lo = -1, hi = -1;
    if (dash == std::string::npos || !to_int64(range.substr(0, dash), lo) || !to_int64(range.substr(dash + 1), hi) ||
        lo < 0 || hi < lo || hi >= n_actions)
      throw UsageError("--policy: bad action range " + quoted(text) + " for " + team + "; " + valid);
    p.lo = static_cast<int>(lo);
    p.hi = static_cast<int>(hi);
    return p;
  }
  throw UsageError("--policy: unknown policy " + quoted(text) + " for " + team + "; " + valid);
}

std::string checkpoint_argument(const std::string& option, const std::string& text) {
  std::error_code ec;
  if (std::filesystem::is_directory(text, ec)) {
    const std::string p = latest_checkpoint_path(text);
    if (!std::filesystem::exists(p, ec))
      throw UsageError(option + ": " + quoted(text) + " is a directory without checkpoints/latest.bin; give a run "
                       "directory of `myriad train` or a checkpoint file");
    return p;
  }
  if (std::filesystem::is_regular_file(text, ec)) return text;
  if (std::filesystem::exists(text, ec))  // a FIFO, device or socket: never opened
    throw UsageError(option + ": " + quoted(text) + " is not a regular file; give a checkpoint file or a training run "
                     "directory");
  if (text.size() > 4 && text.compare(text.size() - 4, 4, ".bin") == 0)
    throw UsageError(option + ": no such file " + quoted(text) + "; give a checkpoint file or a training run directory");
  return "";
}

std::vector<PolicySpec> parse_policies(const std::string& text, const WorldConfig& cfg,
                                       std::vector<std::string>* checkpoints) {
  if (checkpoints) checkpoints->assign(cfg.groups.size(), "");
  auto one = [&](const std::string& p, const std::string& team, int n_actions, size_t g) {
    const bool keyword = p == "random" || p == "noop" || p == "scripted" || starts_with(p, "random:");
    if (checkpoints && !keyword) {
      const std::string ck = checkpoint_argument("--policy", p);
      if (!ck.empty()) {
        (*checkpoints)[g] = ck;
        PolicySpec noop;
        noop.kind = PolicyKind::kNoop;
        return noop;
      }
    }
    return parse_policy(p, team, n_actions);
  };
  std::vector<std::string> names;
  std::vector<int> n_actions;
  for (const auto& g : cfg.groups) {
    names.push_back(g.name);
    n_actions.push_back(make_type_params(g.type).n_actions());
  }
  std::string valid_teams;
  for (const auto& n : names) valid_teams += (valid_teams.empty() ? "" : ", ") + n;
  std::vector<PolicySpec> out(names.size());
  if (text.empty()) throw UsageError("--policy: empty; use e.g. " + names[0] + "=random," + names.back() + "=scripted");
  if (text.find('=') == std::string::npos) {  // one policy for every team
    for (size_t g = 0; g < names.size(); ++g) out[g] = one(text, names[g], n_actions[g], g);
    return out;
  }
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw UsageError("--policy: " + quoted(item) + " is not TEAM=POLICY; use e.g. red=random,blue=scripted");
    const std::string team = item.substr(0, eq);
    size_t g = 0;
    while (g < names.size() && names[g] != team) ++g;
    if (g == names.size()) throw UsageError("--policy: unknown team " + quoted(team) + "; valid: " + valid_teams);
    out[g] = one(item.substr(eq + 1), team, n_actions[g], g);
    start = comma + 1;
  }
  return out;
}

std::string describe_policy(const PolicySpec& p) {
  switch (p.kind) {
    case PolicyKind::kNoop: return "noop";
    case PolicyKind::kScripted: return "scripted";
    case PolicyKind::kRandom: break;
  }
  if (p.hi < 0) return "random";
  return "random:" + std::to_string(p.lo) + "-" + std::to_string(p.hi);
}

BackendKind parse_backend_option(const std::string& text) {
  try {
    return parse_backend(text);
  } catch (const std::invalid_argument&) {
    throw UsageError("--backend: unknown backend " + quoted(text) + "; valid: auto, cpu, cuda");
  }
}

void require_backend_available(BackendKind kind) {
  if (kind == BackendKind::kCuda && !cuda_device_available())
    throw UsageError("--backend cuda: no CUDA device answers on this machine; use --backend cpu or auto");
}

std::string with_flag_names(std::string m) {
  static const std::pair<const char*, const char*> kFlags[] = {
      {"agents_per_team", "--agents-per-team"}, {"map_size", "--map-size"}, {"max_steps", "--steps"},
      {"mean_radius", "--mean-radius"},         {"placement", "--placement"}, {"scenario", "--scenario"},
      {"agents", "--agents"}};
  auto word_char = [](char c) { return (c >= 'a' && c <= 'z') || c == '_' || c == '-'; };
  for (const auto& [key, flag] : kFlags) {
    const std::string k = key;
    for (size_t at = m.find(k); at != std::string::npos; at = m.find(k, at)) {
      const bool left = at == 0 || !word_char(m[at - 1]);
      const bool right = at + k.size() >= m.size() || !word_char(m[at + k.size()]);
      if (left && right) {
        m.replace(at, k.size(), flag);
        at += std::string(flag).size();
      } else {
        at += k.size();
      }
    }
  }
  return m;
}

Scenario parse_scenario_option(const std::string& text) {
  try {
    return parse_scenario(text);
  } catch (const std::invalid_argument&) {
    throw UsageError("--scenario: unknown game " + quoted(text) + "; valid: " + scenario_list());
  }
}

RunSettings parse_run_options(const RunOptions& o) {
  const Scenario sc = parse_scenario_option(o.scenario);
  RunSettings s;
  s.backend = parse_backend_option(o.backend);
  require_backend_available(s.backend);
  s.episodes = parse_int_option("--episodes", o.episodes, 1);
  s.seed = parse_seed_option("--seed", o.seed);
  s.stats_path = o.stats_path;
  s.quiet = o.quiet;
  WorldConfig cfg = sized_game_config(o, sc);
  cfg.placement = parse_placement(o.placement);
  if (o.steps_set) cfg.max_steps = parse_int_option("--steps", o.steps, 1);
  cfg.minimap = o.minimap;
  cfg.obs_dtype = parse_obs_dtype(o.obs_dtype);
  cfg.mean_mode = parse_mean_mode(o.mean_mode);
  cfg.mean_metric = parse_metric(o.mean_metric);
  const double radius = parse_float_option("--mean-radius", o.mean_radius);
  if (!(radius > 0) || radius > 127)
    throw UsageError("--mean-radius: must be in (0, 127] (got " + o.mean_radius + ")");
  cfg.mean_radius = static_cast<float>(radius);
  std::string err = validate(cfg);
  if (sc != Scenario::kBattle) {
    if (!err.empty()) throw UsageError(with_flag_names(err));
    if (o.agents_set || o.total_set) {  // the game's map rule rounds the population: say what it gave
      const int64_t asked = o.agents_set ? parse_int_option("--agents-per-team", o.agents_per_team, 1)
                                         : parse_int_option("--agents", o.agents, 1);
      const int64_t got = o.agents_set ? cfg.groups[0].count : cfg.n_agents();
      if (got != asked)
        s.note = std::string(scenario_name(sc)) + ": " + std::to_string(got) +
                 (o.agents_set ? " " + cfg.groups[0].name + " (its first group)" : std::string(" agents")) + " on a " + std::to_string(cfg.width) +
                 " map for the " + std::to_string(asked) + " asked (" + game_spec(sc).size_rule + ")";
    }
    s.policies = parse_policies(o.policy, cfg, &s.checkpoints);
    s.greedy_actor = o.greedy_actor;
    s.render = parse_render_settings(o, cfg);
    s.cfg = std::move(cfg);
    return s;
  }
  if (starts_with(err, "map too small") && !o.map_size_set) {
    // The density rule's side is too small for blocks of few agents: take the smallest that fits.
    const int need = min_map_side(cfg);
    if (need > cfg.width) {
      s.note = "map side raised from " + std::to_string(cfg.width) + " to " + std::to_string(need) +
               " so that the agents fit";
      cfg.width = cfg.height = need;
      err = validate(cfg);
    }
  }
  if (starts_with(err, "map too small") || (!err.empty() && cfg.width < 3)) err = too_small_message(cfg, o.map_size_set);
  if (!err.empty()) throw UsageError(with_flag_names(err));
  s.policies = parse_policies(o.policy, cfg, &s.checkpoints);
  s.greedy_actor = o.greedy_actor;
  s.render = parse_render_settings(o, cfg);
  s.cfg = std::move(cfg);
  return s;
}

}  // namespace myriad::cli
