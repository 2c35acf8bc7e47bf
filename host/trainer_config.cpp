// trainer_config.cpp: TrainConfig from TOML (toml++, header-only) and `key=value` overrides, its
// validation and its TOML serialisation; every error is one line naming the key.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>

#include "myriad/train_config.hpp"

#include "myriad/games/game.hpp"
#include "myriad/printable.hpp"
#include "myriad/rules/mixer.hpp"
#include "myriad/schedule.hpp"

namespace myriad {

namespace {

// A key of the config: how a TOML value sets it (throwing ConfigError naming the key and what would be
// valid) and how its value is written back. Names of categories become enums here, at parsing.
struct Key {
  const char* name;
  std::function<void(TrainConfig&, const toml::node&, const std::string& source)> set;
  std::function<void(const TrainConfig&, toml::table&)> put;
};

ConfigError bad_value(const std::string& source, const char* key, const std::string& want) {
  return ConfigError(source + ": " + key + " must be " + want);
}

std::string text_of(const toml::node& v, const std::string& source, const char* key, const std::string& want) {
  if (!v.is_string()) throw bad_value(source, key, want);
  return v.as_string()->get();
}

Key int_key(const char* name, int64_t TrainConfig::*m) {
  return {name,
          [=](TrainConfig& c, const toml::node& v, const std::string& src) {
            if (!v.is_integer()) throw bad_value(src, name, "an integer");
            c.*m = v.as_integer()->get();
          },
          [=](const TrainConfig& c, toml::table& t) { t.insert(name, c.*m); }};
}

Key float_key(const char* name, double TrainConfig::*m) {
  return {name,
          [=](TrainConfig& c, const toml::node& v, const std::string& src) {
            if (v.is_integer()) c.*m = static_cast<double>(v.as_integer()->get());
            else if (v.is_floating_point()) c.*m = v.as_floating_point()->get();
            else throw bad_value(src, name, "a number");
          },
          [=](const TrainConfig& c, toml::table& t) { t.insert(name, c.*m); }};
}

Key bool_key(const char* name, bool TrainConfig::*m) {
  return {name,
          [=](TrainConfig& c, const toml::node& v, const std::string& src) {
            if (!v.is_boolean()) throw bad_value(src, name, "true or false");
            c.*m = v.as_boolean()->get();
          },
          [=](const TrainConfig& c, toml::table& t) { t.insert(name, c.*m); }};
}

Key string_key(const char* name, std::string TrainConfig::*m) {
  return {name, [=](TrainConfig& c, const toml::node& v, const std::string& src) { c.*m = text_of(v, src, name, "a string"); },
          [=](const TrainConfig& c, toml::table& t) { t.insert(name, c.*m); }};
}

// A category: parse throws std::invalid_argument listing the valid names; `valid` is that list for a
// value of another TOML type.
template <typename E>
Key enum_key(const char* name, E TrainConfig::*m, E (*parse)(const std::string&), const char* (*to_name)(E),
             const char* valid) {
  return {name,
          [=](TrainConfig& c, const toml::node& v, const std::string& src) {
            const std::string s = text_of(v, src, name, std::string("one of ") + valid);
            try {
              c.*m = parse(s);
            } catch (const std::invalid_argument&) {
              throw ConfigError(src + ": " + name + ": '" + printable(s) + "'; valid: " + valid);
            }
          },
          [=](const TrainConfig& c, toml::table& t) { t.insert(name, std::string(to_name(c.*m))); }};
}

// A category that may be left to the backend or the game: "auto" (unset) or one of the names.
template <typename E>
Key auto_enum_key(const char* name, std::optional<E> TrainConfig::*m, E (*parse)(const std::string&),
                  const char* (*to_name)(E), const char* valid) {
  return {name,
          [=](TrainConfig& c, const toml::node& v, const std::string& src) {
            const std::string s = text_of(v, src, name, std::string("one of auto, ") + valid);
            if (s == "auto") {
              c.*m = std::nullopt;
              return;
            }
            try {
              c.*m = parse(s);
            } catch (const std::invalid_argument&) {
              throw ConfigError(src + ": " + name + ": '" + printable(s) + "'; valid: auto, " + valid);
            }
          },
          [=](const TrainConfig& c, toml::table& t) {
            t.insert(name, (c.*m).has_value() ? std::string(to_name(*(c.*m))) : std::string("auto"));
          }};
}

Scenario scenario_from(const std::string& s) { return parse_scenario(s); }
ObsDtype obs_dtype_from(const std::string& s) {
  if (s == "f32") return ObsDtype::kF32;
  if (s == "bf16") return ObsDtype::kBf16;
  throw std::invalid_argument(s);
}
const char* obs_dtype_text(ObsDtype d) { return d == ObsDtype::kBf16 ? "bf16" : "f32"; }
Opponent opponent_from(const std::string& s) { return parse_opponent(s); }
Exploration exploration_from(const std::string& s) {
  if (s == "boltzmann") return Exploration::kBoltzmann;
  if (s == "epsilon") return Exploration::kEpsilon;
  throw std::invalid_argument(s);
}
TargetKind target_from(const std::string& s) {
  for (TargetKind k : {TargetKind::kBoltzmann, TargetKind::kGreedyDouble, TargetKind::kPolicy})
    if (s == target_name(k)) return k;
  throw std::invalid_argument(s);
}
RewardMode reward_mode_from(const std::string& s) {
  if (s == "individual") return RewardMode::kIndividual;
  if (s == "team") return RewardMode::kTeam;
  throw std::invalid_argument(s);
}
Curriculum curriculum_from(const std::string& s) {
  if (s == "none") return Curriculum::kNone;
  if (s == "grow_learners") return Curriculum::kGrowLearners;
  if (s == "grow_population") return Curriculum::kGrowPopulation;
  throw std::invalid_argument(s);
}
MixerGroups mixer_groups_from(const std::string& s) {
  if (s == "team") return MixerGroups::kTeam;
  if (s == "tiles") return MixerGroups::kTiles;
  throw std::invalid_argument(s);
}
ActorGradient actor_gradient_from(const std::string& s) {
  if (s == "expected") return ActorGradient::kExpected;
  if (s == "sampled") return ActorGradient::kSampled;
  throw std::invalid_argument(s);
}

// swap_sides: true, false or "auto" (written back as a boolean once resolved).
Key swap_key() {
  const char* name = "swap_sides";
  return {name,
          [=](TrainConfig& c, const toml::node& v, const std::string& src) {
            if (v.is_boolean()) {
              c.swap_sides = v.as_boolean()->get();
              return;
            }
            const std::string s = text_of(v, src, name, "true, false or \"auto\"");
            if (s != "auto") throw bad_value(src, name, "true, false or \"auto\"");
            c.swap_sides = std::nullopt;
          },
          [=](const TrainConfig& c, toml::table& t) {
            if (c.swap_sides.has_value()) t.insert(name, *c.swap_sides);
            else t.insert(name, std::string("auto"));
          }};
}

const std::vector<Key>& keys() {
  using C = TrainConfig;
  static const std::string algorithms = algorithm_list();
  static const std::vector<Key> k = {
      enum_key("scenario", &C::scenario, scenario_from, scenario_name,
               "battle, battlefield, adversarial_pursuit, gather, tiger_deer, combined_arms"),
      enum_key("algorithm", &C::algorithm, parse_algorithm, algorithm_name, algorithms.c_str()),
      int_key("episodes", &C::episodes),
      int_key("agents_per_team", &C::agents_per_team),
      int_key("map_size", &C::map_size),
      int_key("max_steps", &C::max_steps),
      bool_key("minimap", &C::minimap),
      auto_enum_key("obs_dtype", &C::obs_dtype, obs_dtype_from, obs_dtype_text, "f32, bf16"),
      string_key("learner", &C::learner),
      enum_key("opponent", &C::opponent, opponent_from, opponent_name,
               "random, scripted, frozen, both_learn, selfplay_lagged"),
      string_key("opponent_checkpoint", &C::opponent_checkpoint),
      auto_enum_key("opponent_algorithm", &C::opponent_algorithm, parse_algorithm, algorithm_name, algorithms.c_str()),
      string_key("init_from", &C::init_from),
      swap_key(),
      enum_key("exploration", &C::exploration, exploration_from, exploration_name, "boltzmann, epsilon"),
      float_key("temperature_start", &C::temperature_start),
      float_key("temperature_end", &C::temperature_end),
      int_key("anneal_episodes", &C::anneal_episodes),
      float_key("epsilon_start", &C::epsilon_start),
      float_key("epsilon_end", &C::epsilon_end),
      auto_enum_key("target", &C::target, target_from, target_name, "boltzmann, greedy_double, policy"),
      float_key("target_temperature", &C::target_temperature),
      float_key("lr", &C::lr),
      float_key("actor_lr", &C::actor_lr),
      enum_key("actor_gradient", &C::actor_gradient, actor_gradient_from, actor_gradient_name, "expected, sampled"),
      auto_enum_key("reward_mode", &C::reward_mode, reward_mode_from, reward_mode_name, "individual, team"),
      enum_key("mixer_groups", &C::mixer_groups, mixer_groups_from, mixer_groups_name, "team, tiles"),
      int_key("mixer_tile", &C::mixer_tile),
      int_key("mixer_window", &C::mixer_window),
      int_key("mixer_embed", &C::mixer_embed),
      int_key("hypernet_hidden", &C::hypernet_hidden),
      float_key("nearest_fraction", &C::nearest_fraction),
      int_key("nearest_cap", &C::nearest_cap),
      enum_key("curriculum", &C::curriculum, curriculum_from, curriculum_name,
               "none, grow_learners, grow_population"),
      int_key("grow_from", &C::grow_from),
      int_key("grow_episodes", &C::grow_episodes),
      float_key("entropy_start", &C::entropy_start),
      float_key("entropy_coef", &C::entropy_coef),
      float_key("gamma", &C::gamma),
      float_key("tau", &C::tau),
      float_key("clip_norm", &C::clip_norm),
      int_key("target_copy_every", &C::target_copy_every),
      int_key("batch", &C::batch),
      int_key("replay_capacity", &C::replay_capacity),
      float_key("store_fraction", &C::store_fraction),
      int_key("store_chunk", &C::store_chunk),
      int_key("update_every", &C::update_every),
      int_key("updates_per_step", &C::updates_per_step),
      int_key("warmup", &C::warmup),
      auto_enum_key("network_math", &C::network_math, parse_net_math, net_math_name, "fp32, tf32"),
      {"hidden",
       [](TrainConfig& c, const toml::node& v, const std::string& src) {
         const char* want = "an array of integers, e.g. [128, 64]";
         if (!v.is_array()) throw bad_value(src, "hidden", want);
         std::vector<int64_t> out;
         for (const auto& e : *v.as_array()) {
           if (!e.is_integer()) throw bad_value(src, "hidden", want);
           out.push_back(e.as_integer()->get());
         }
         c.hidden = out;
       },
       [](const TrainConfig& c, toml::table& t) {
         toml::array a;
         for (int64_t h : c.hidden) a.push_back(h);
         t.insert("hidden", std::move(a));
       }},
      {"seed",
       [](TrainConfig& c, const toml::node& v, const std::string& src) {
         if (!v.is_integer() || v.as_integer()->get() < 0) throw bad_value(src, "seed", "a non-negative integer");
         c.seed = static_cast<uint64_t>(v.as_integer()->get());
       },
       [](const TrainConfig& c, toml::table& t) { t.insert("seed", static_cast<int64_t>(c.seed)); }},
      int_key("checkpoint_every", &C::checkpoint_every),
      int_key("autosave_seconds", &C::autosave_seconds),
  };
  return k;
}

std::string valid_keys() {
  std::string s;
  for (const auto& k : keys()) s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

std::string one_line(std::string s) {
  for (char& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return s;
}


// TOML text is UTF-8 (toml++ refuses anything else in a file); a --set value taken as bare text must be too.
bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 0x2) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};  // overlong forms are invalid
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

void set_key(TrainConfig& c, const std::string& name, const toml::node& v, const std::string& source) {
  for (const auto& k : keys()) {
    if (name != k.name) continue;
    k.set(c, v, source);
    return;
  }
  throw ConfigError(source + ": unknown key '" + printable(name) + "'; valid: " + valid_keys());
}

void apply_table(TrainConfig& c, const toml::table& t, const std::string& source) {
  for (const auto& [key, node] : t) set_key(c, std::string(key.str()), node, source);
}

// toml++ 3.3 (Debian 12's) has undefined behaviour on some malformed texts, each found by fuzz/fuzz_train_config:
// - it reaches __builtin_unreachable() when it tests some non-ASCII code points (U+00A1.., U+1482..,
//   U+1C76..) for whitespace, e.g. right after a number or after a multi-line string's line-ending
//   backslash (marzer/tomlplusplus#190, fixed upstream after 3.4);
// - a table header whose name starts with another character than a key's ("[=1", "[\n") breaks an
//   assumption of its key parser (an assert; __builtin_assume in a release build);
// - a '}' where an array expects a value ("q=[}", "q=[1,}") breaks an assumption of its value parser.
// Such texts are refused here, before toml++ reads them: TOML allows non-ASCII text only in strings and
// comments, and a training config has no tables, inline ones included. Returns "LINE: what is wrong" or "".
std::string before_toml(const std::string& text) {
  enum class In { kCode, kComment, kBasic, kLiteral, kMlBasic, kMlLiteral } in = In::kCode;
  const size_t n = text.size();
  int line = 1, depth = 0;  // depth: open [ of array values
  bool line_start = true;   // only whitespace so far on this line (outside strings)
  auto at = [&](size_t i, const char* s) { return text.compare(i, std::strlen(s), s) == 0; };
  auto fail = [&](const char* what) { return std::to_string(line) + ": " + what; };
  const char* non_ascii = "a non-ASCII character outside a string or comment (or right after a line-ending backslash)";
  size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // a byte order mark
  while (i < n) {
    const char c = text[i];
    if (c == '\n') ++line;
    switch (in) {
      case In::kCode:
        if (static_cast<unsigned char>(c) >= 0x80) return fail(non_ascii);
        if (c == '\n') {
          line_start = true;
          break;
        }
        if (c == ' ' || c == '\t' || c == '\r') break;
        if (c == '{' || c == '}')
          return fail("an inline table ({ ... }): a training config's values are numbers, strings, booleans and arrays");
        if (c == '[') {
          if (depth == 0 && line_start)
            return fail("a table header ([name]): a training config has no tables, every key is at the top level");
          ++depth;
        } else if (c == ']' && depth > 0) {
          --depth;
        } else if (c == '#') {
          in = In::kComment;
        } else if (at(i, "\"\"\"")) {
          in = In::kMlBasic;
          i += 2;
        } else if (at(i, "'''")) {
          in = In::kMlLiteral;
          i += 2;
        } else if (c == '"') {
          in = In::kBasic;
        } else if (c == '\'') {
          in = In::kLiteral;
        }
        line_start = false;
        break;
      case In::kComment:
        if (c == '\n') {
          in = In::kCode;
          line_start = true;
        }
        break;
      case In::kBasic:
      case In::kLiteral:
        if (c == '\n' || (in == In::kBasic && c == '"') || (in == In::kLiteral && c == '\'')) {
          in = In::kCode;
          line_start = c == '\n';
        } else if (in == In::kBasic && c == '\\' && i + 1 < n && text[i + 1] != '\n') {
          ++i;
        }
        break;
      case In::kMlBasic:
      case In::kMlLiteral: {
        const char* close = in == In::kMlBasic ? "\"\"\"" : "'''";
        if (at(i, close)) {
          while (i + 1 < n && text[i + 1] == close[0]) ++i;  // up to two quotes may end the string's text
          in = In::kCode;
        } else if (in == In::kMlBasic && c == '\\') {
          size_t j = i + 1;  // a line-ending backslash: whitespace and newlines up to the next text
          bool newline = false;
          while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) {
            if (text[j] == '\n') {
              newline = true;
              ++line;
            }
            ++j;
          }
          if (newline && j < n && static_cast<unsigned char>(text[j]) >= 0x80) return fail(non_ascii);
          i = newline ? j - 1 : i + 1;
        }
        break;
      }
    }
    ++i;
  }
  return "";
}

toml::table parse_toml(const std::string& text, const std::string& source) {
  const std::string problem = before_toml(text);
  if (!problem.empty()) throw ConfigError(source + ":" + problem);
  return toml::parse(text, source);
}

}  // namespace

const char* opponent_name(Opponent o) {
  switch (o) {
    case Opponent::kRandom: return "random";
    case Opponent::kScripted: return "scripted";
    case Opponent::kFrozen: return "frozen";
    case Opponent::kBothLearn: return "both_learn";
    case Opponent::kSelfplayLagged: return "selfplay_lagged";
  }
  return "?";
}

Opponent parse_opponent(const std::string& s) {
  for (Opponent o : {Opponent::kRandom, Opponent::kScripted, Opponent::kFrozen, Opponent::kBothLearn,
                     Opponent::kSelfplayLagged})
    if (s == opponent_name(o)) return o;
  throw std::invalid_argument("opponent '" + printable(s) +
                              "': valid are random, scripted, frozen, both_learn, selfplay_lagged");
}

const char* exploration_name(Exploration e) { return e == Exploration::kEpsilon ? "epsilon" : "boltzmann"; }

const char* target_name(TargetKind t) {
  switch (t) {
    case TargetKind::kBoltzmann: return "boltzmann";
    case TargetKind::kGreedyDouble: return "greedy_double";
    case TargetKind::kPolicy: return "policy";
  }
  return "?";
}

const char* actor_gradient_name(ActorGradient g) { return g == ActorGradient::kSampled ? "sampled" : "expected"; }
float TrainConfig::entropy_weight(int64_t episode) const {
  return exponential_schedule(static_cast<float>(entropy_start), static_cast<float>(entropy_coef), anneal_episodes)
      .value(episode);
}

const char* reward_mode_name(RewardMode m) { return m == RewardMode::kTeam ? "team" : "individual"; }
const char* mixer_groups_name(MixerGroups g) { return g == MixerGroups::kTiles ? "tiles" : "team"; }
const char* curriculum_name(Curriculum c) {
  switch (c) {
    case Curriculum::kGrowLearners: return "grow_learners";
    case Curriculum::kGrowPopulation: return "grow_population";
    case Curriculum::kNone: break;
  }
  return "none";
}

bool game_sides_alike(Scenario s) {
  const GameSpec& g = game_spec(s);
  std::vector<std::string> side[2];
  for (const GroupSpec& gs : g.groups) {
    if (gs.side < 0 || gs.side > 1) return false;
    side[gs.side].push_back(gs.type.name + (gs.acts ? "" : "/passive"));
  }
  return !side[0].empty() && side[0] == side[1];
}

void resolve_defaults(TrainConfig& c, bool cuda) {
  // GPU: 262,144 agents at MAgent's density (side ⌈5·√N⌉); 1/16 of the learners' transitions stored
  // (8192 a step) and a 32768 batch every 4 steps: replay ratio 1, the replay ~240 steps deep.
  // The other games keep their MAgent2 population (0: the game's) unless one is asked for, with their
  // own episode length capped at 500 steps (battle and battlefield, the battle rules on other maps:
  // 400 steps, the mean-field paper's, and 300 episodes on the CPU).
  const bool battle = c.scenario == Scenario::kBattle;
  const bool battle_rules = battle || c.scenario == Scenario::kBattlefield;
  const GameSpec& game = game_spec(c.scenario);
  if (c.agents_per_team == kAuto) c.agents_per_team = !battle ? 0 : cuda ? 131072 : 64;  // 0: the game's
  if (c.map_size == kAuto) c.map_size = !battle ? 0 : cuda ? 1811 : 40;
  if (c.max_steps == kAuto) c.max_steps = battle_rules ? 400 : std::min<int64_t>(game.max_steps, 500);
  if (c.episodes == kAuto) c.episodes = cuda ? 60 : battle_rules ? 300 : 100;  // CPU battle: ~1 s an episode, wins from ~180
  if (c.batch == kAuto) c.batch = cuda ? 32768 : 256;
  if (c.replay_capacity == kAuto) c.replay_capacity = cuda ? 2000000 : 100000;
  const bool team_mixer = is_mixer(c.algorithm) && c.mixer_groups == MixerGroups::kTeam;
  if (c.store_fraction < 0) c.store_fraction = team_mixer ? 1.0 : cuda ? 1.0 / 16 : 0.5;  // a team mixer: whole steps
  if (!c.reward_mode) c.reward_mode = is_mixer(c.algorithm) ? RewardMode::kTeam : RewardMode::kIndividual;
  if (c.anneal_episodes == kAuto) c.anneal_episodes = c.episodes / 2 > 0 ? c.episodes / 2 : 1;
  if (c.grow_episodes == kAuto) c.grow_episodes = c.episodes / 2 > 0 ? c.episodes / 2 : 1;
  if (c.warmup == kAuto) c.warmup = c.batch;
  if (!c.obs_dtype) c.obs_dtype = cuda ? ObsDtype::kBf16 : ObsDtype::kF32;
  if (!c.network_math) c.network_math = cuda ? NetMath::kTf32 : NetMath::kFp32;
  if (!c.swap_sides) c.swap_sides = game_sides_alike(c.scenario);
  if (c.algorithm == Algorithm::kIql) c.target = TargetKind::kGreedyDouble;
  if (is_mixer(c.algorithm) && !c.target) c.target = TargetKind::kGreedyDouble;  // as pymarl's VDN and QMIX
  if (!c.target) c.target = is_actor_critic(c.algorithm) ? TargetKind::kPolicy : TargetKind::kBoltzmann;
}

void apply_toml(TrainConfig& c, const std::string& text, const std::string& source) {
  try {
    const toml::table t = parse_toml(text, source);
    apply_table(c, t, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << source << ":" << e.source().begin.line << ": " << one_line(std::string(e.description()));
    throw ConfigError(os.str());
  }
}

void apply_override(TrainConfig& c, const std::string& a) {
  const size_t eq = a.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set: expected key=value, got '" + printable(a) + "'");
  std::string key = a.substr(0, eq), value = a.substr(eq + 1);
  while (!key.empty() && key.back() == ' ') key.pop_back();
  toml::table t;
  try {
    t = parse_toml(key + " = " + value, "--set");
  } catch (const std::runtime_error&) {  // toml::parse_error, or non-ASCII text outside quotes
    if (!valid_utf8(key) || !valid_utf8(value))
      throw ConfigError(printable(key) + ": not valid UTF-8 text (TOML keys and strings are UTF-8)");
    t = toml::table{};
    t.insert(key, value);  // bare text: a string
  }
  if (t.size() != 1) throw ConfigError("--set: expected one key=value, got '" + printable(a) + "'");
  apply_table(c, t, "--set");
}

void validate_train_config(const TrainConfig& c) {
  auto fail = [](const std::string& m) { throw ConfigError(m); };
  auto in = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
  if (c.opponent == Opponent::kFrozen && c.opponent_checkpoint.empty())
    fail("opponent = frozen needs opponent_checkpoint = \"RUN_DIR/checkpoints/latest.bin\" (a checkpoint file)");
  if (c.opponent_algorithm && *c.opponent_algorithm != c.algorithm && c.opponent != Opponent::kBothLearn)
    fail(std::string("opponent_algorithm = ") + algorithm_name(*c.opponent_algorithm) +
         " names the other side's learners: it needs opponent = both_learn (now " + opponent_name(c.opponent) + ")");
  if (c.target_copy_every < 0) fail("target_copy_every must be >= 0 (0: soft updates with tau)");
  if (c.target) {
    const TargetKind t = *c.target;
    if (is_actor_critic(c.algorithm) && t == TargetKind::kBoltzmann)
      fail(std::string("target: boltzmann is a Q-learner's target; ") + algorithm_name(c.algorithm) +
           "'s critic takes policy (the actor's expectation) or greedy_double");
    if (!is_actor_critic(c.algorithm) && t == TargetKind::kPolicy)
      fail(std::string("target: policy needs an actor (mfac, ac); ") + algorithm_name(c.algorithm) +
           " takes boltzmann or greedy_double");
  }
  if (c.swap_sides.value_or(false) && !game_sides_alike(c.scenario))
    fail(std::string("swap_sides: ") + scenario_name(c.scenario) +
         "'s sides have different groups, so the learner cannot play both; set swap_sides = false (or \"auto\") "
         "and learner = the group to train");
  if (c.max_steps != kAuto && c.max_steps < 1) fail("max_steps must be >= 1");
  if (!(c.entropy_coef > 0 && c.entropy_coef < 1e3) || !(c.entropy_start > 0 && c.entropy_start < 1e3))
    fail("entropy_start and entropy_coef must be in (0, 1000)");
  if (!(c.actor_lr < 1) || std::isnan(c.actor_lr)) fail("actor_lr must be below 1 (<= 0: the same as lr)");
  if (c.episodes < 1) fail("episodes must be >= 1");
  if (c.agents_per_team < 0) fail("agents_per_team must be >= 1 (0: the game's own population)");
  if (c.map_size != 0 && (c.map_size < 8 || c.map_size > 65535))
    fail("map_size must be in [8, 65535] (0: the game's own map)");
  if (!(c.temperature_start > 0 && c.temperature_end > 0 && std::isfinite(c.temperature_start) &&
        std::isfinite(c.temperature_end)))
    fail("temperature_start and temperature_end must be positive");
  if (!in(c.epsilon_start, 0, 1) || !in(c.epsilon_end, 0, 1)) fail("epsilon_start/end must be in [0, 1]");
  if (!(c.target_temperature > 0 && std::isfinite(c.target_temperature))) fail("target_temperature must be positive");
  if (!(c.lr > 0 && c.lr < 1)) fail("lr must be in (0, 1)");
  if (!in(c.gamma, 0, 1)) fail("gamma must be in [0, 1]");
  if (!in(c.tau, 0, 1) || c.tau == 0) fail("tau must be in (0, 1]");
  if (!in(c.clip_norm, 0, 1e30)) fail("clip_norm must be >= 0 (0: off)");
  if (c.batch < 1) fail("batch must be >= 1");
  if (c.replay_capacity < 1 || c.replay_capacity >= (int64_t{1} << 32)) fail("replay_capacity must be in [1, 2^32)");
  if (!in(c.store_fraction, 0, 1) || c.store_fraction == 0) fail("store_fraction must be in (0, 1]");
  if (c.store_chunk < 1) fail("store_chunk must be >= 1 (transitions per replay append)");
  if (c.update_every < 1) fail("update_every must be >= 1");
  if (c.updates_per_step < 0) fail("updates_per_step must be >= 0");
  if (c.anneal_episodes < 0) fail("anneal_episodes must be >= 0");
  if (c.warmup < 0) fail("warmup must be >= 0");
  if (c.hidden.empty()) fail("hidden must list at least one layer width");
  for (int64_t h : c.hidden)
    if (h < 1 || h > 65536) fail("hidden: layer widths must be in [1, 65536]");
  if (c.checkpoint_every < 0) fail("checkpoint_every must be >= 0");
  if (c.grow_from < 1) fail("grow_from must be >= 1 (the learners per group at the first episode)");
  if (c.grow_episodes != kAuto && (c.grow_episodes < 1 || c.grow_episodes > c.episodes))
    fail("grow_episodes must be in [1, episodes = " + std::to_string(c.episodes) +
         "]: the learning set (or population) must have grown to the whole group by the last episode "
         "(e.g. grow_episodes = " +
         std::to_string(c.episodes > 1 ? c.episodes / 2 : 1) + ")");
  if (is_mixer(c.algorithm)) {
    const std::string a = algorithm_name(c.algorithm);
    if (c.reward_mode == RewardMode::kIndividual)
      fail("reward_mode: " + a + " learns its mixing group's value from the group's summed reward; set reward_mode = "
           "\"team\" (or \"auto\"), or take mfq or iql for individual rewards");
    if (c.mixer_groups == MixerGroups::kTeam && c.store_fraction >= 0 && c.store_fraction != 1.0)
      fail("store_fraction: a team mixer stores whole steps of its team (store_fraction = 1); mixer_groups = "
           "\"tiles\" stores a fraction of the agents");
    if (c.mixer_embed < 1 || c.mixer_embed > kMaxMixerEmbed) fail("mixer_embed must be in [1, 64]");
    if (c.mixer_tile < 1 || c.mixer_tile > 4096) fail("mixer_tile must be in [1, 4096] (cells a tile side)");
    if (c.mixer_window < 1 || c.mixer_window > 65536) fail("mixer_window must be in [1, 65536] (rows a sampled window)");
    if (c.hypernet_hidden < 1 || c.hypernet_hidden > 65536) fail("hypernet_hidden must be in [1, 65536]");
  }
  if (!(c.nearest_fraction > 0 && c.nearest_fraction <= 1)) fail("nearest_fraction must be in (0, 1]");
  if (c.nearest_cap < 1 || c.nearest_cap > kMaxNearest)
    fail("nearest_cap must be in [1, " + std::to_string(kMaxNearest) + "]");
  if (c.autosave_seconds < 0 || c.autosave_seconds > 86400)
    fail("autosave_seconds must be in [0, 86400] (0: after every episode)");
}

std::string to_toml(const TrainConfig& c) {
  toml::table t;
  for (const auto& k : keys()) k.put(c, t);
  std::ostringstream os;
  os << t << "\n";
  return os.str();
}

}  // namespace myriad
