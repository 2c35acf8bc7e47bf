// cli/options.cpp: turns the `run` options into a checked RunSettings (numbers, policies, backend,
// map and mean-action choices), so that every bad input ends as one line that says what would work.
#include "cli/options.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "myriad/agent_type.hpp"

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
  const bool blocks = cfg.placement == Placement::kBlocks;
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
  if (s == "blocks") return Placement::kBlocks;
  if (s == "random") return Placement::kRandom;
  throw UsageError("--placement: unknown placement " + quoted(s) + "; valid: blocks, random");
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

// battle_config with the user's explicit sizes; 0 means "derive it" (config.hpp).
WorldConfig sized_battle_config(const RunOptions& o) {
  int64_t n = 0, side = 0;
  if (o.agents_set) {
    n = parse_int_option("--agents-per-team", o.agents_per_team, 1);
    if (n > std::numeric_limits<int32_t>::max() / 2)
      throw UsageError("--agents-per-team: at most " + std::to_string(std::numeric_limits<int32_t>::max() / 2) +
                       " per team (2^31-1 agents in one world; got " + std::to_string(n) + ")");
  }
  if (o.map_size_set) {
    side = parse_int_option("--map-size", o.map_size, 1);
    if (side > 65535)
      throw UsageError("--map-size: must be between 3 and 65535 (got " + std::to_string(side) + ")");
  }
  if (!o.map_size_set && o.agents_set && battle_map_side_for(n) > 65535)
    throw UsageError("--agents-per-team: " + std::to_string(n) + " per team needs a map side of " +
                     std::to_string(battle_map_side_for(n)) +
                     ", above the 65535 maximum; use fewer --agents-per-team or set --map-size");
  if (o.map_size_set && !o.agents_set && battle_block_count_for(static_cast<int>(side)) < 1)
    throw UsageError("--map-size: " + std::to_string(side) +
                     " gives 0 agents per team by MAgent's block count; use --map-size >= 5 or set --agents-per-team");
  return battle_config(n, static_cast<int>(side));
}

}  // namespace

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

std::vector<PolicySpec> parse_policies(const std::string& text, const WorldConfig& cfg) {
  std::vector<std::string> names;
  std::vector<int> n_actions;
  for (const auto& g : cfg.groups) {
    names.push_back(g.type.name);
    n_actions.push_back(make_type_params(g.type).n_actions());
  }
  std::string valid_teams;
  for (const auto& n : names) valid_teams += (valid_teams.empty() ? "" : ", ") + n;
  std::vector<PolicySpec> out(names.size());
  if (text.empty()) throw UsageError("--policy: empty; use e.g. red=random,blue=scripted");
  if (text.find('=') == std::string::npos) {  // one policy for every team
    for (size_t g = 0; g < names.size(); ++g) out[g] = parse_policy(text, names[g], n_actions[g]);
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
    out[g] = parse_policy(item.substr(eq + 1), team, n_actions[g]);
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

RunSettings parse_run_options(const RunOptions& o) {
  if (o.scenario != "battle")
    throw UsageError("--scenario: unknown scenario " + quoted(o.scenario) + "; valid: battle");
  RunSettings s;
  s.backend = parse_backend_option(o.backend);
  s.episodes = parse_int_option("--episodes", o.episodes, 1);
  s.seed = parse_seed_option("--seed", o.seed);
  s.stats_path = o.stats_path;
  s.quiet = o.quiet;
  WorldConfig cfg = sized_battle_config(o);
  cfg.placement = parse_placement(o.placement);
  cfg.max_steps = parse_int_option("--steps", o.steps, 1);
  cfg.minimap = o.minimap;
  cfg.obs_dtype = parse_obs_dtype(o.obs_dtype);
  cfg.mean_mode = parse_mean_mode(o.mean_mode);
  cfg.mean_metric = parse_metric(o.mean_metric);
  const double radius = parse_float_option("--mean-radius", o.mean_radius);
  if (!(radius > 0) || radius > 127)
    throw UsageError("--mean-radius: must be in (0, 127] (got " + o.mean_radius + ")");
  cfg.mean_radius = static_cast<float>(radius);
  std::string err = validate(cfg);
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
  if (!err.empty()) throw UsageError(err);
  s.policies = parse_policies(o.policy, cfg);
  s.cfg = std::move(cfg);
  return s;
}

}  // namespace myriad::cli
