// trainer_config.cpp: TrainConfig from TOML (toml++, header-only) and `key=value` overrides, its
// validation and its TOML serialisation; every error is one line naming the key.
#include <toml++/toml.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>

#include "myriad/train_config.hpp"

#include "myriad/games/game.hpp"

namespace myriad {

namespace {

enum class Kind { kInt, kFloat, kString, kSeed, kIntList, kBool };
struct Key {
  const char* name;
  Kind kind;
  std::function<void*(TrainConfig&)> field;
};

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"scenario", Kind::kString, [](TrainConfig& c) -> void* { return &c.scenario; }},
      {"algorithm", Kind::kString, [](TrainConfig& c) -> void* { return &c.algorithm; }},
      {"episodes", Kind::kInt, [](TrainConfig& c) -> void* { return &c.episodes; }},
      {"agents_per_team", Kind::kInt, [](TrainConfig& c) -> void* { return &c.agents_per_team; }},
      {"map_size", Kind::kInt, [](TrainConfig& c) -> void* { return &c.map_size; }},
      {"max_steps", Kind::kInt, [](TrainConfig& c) -> void* { return &c.max_steps; }},
      {"minimap", Kind::kBool, [](TrainConfig& c) -> void* { return &c.minimap; }},
      {"obs_dtype", Kind::kString, [](TrainConfig& c) -> void* { return &c.obs_dtype; }},
      {"opponent", Kind::kString, [](TrainConfig& c) -> void* { return &c.opponent; }},
      {"opponent_checkpoint", Kind::kString, [](TrainConfig& c) -> void* { return &c.opponent_checkpoint; }},
      {"init_from", Kind::kString, [](TrainConfig& c) -> void* { return &c.init_from; }},
      {"swap_sides", Kind::kBool, [](TrainConfig& c) -> void* { return &c.swap_sides; }},
      {"exploration", Kind::kString, [](TrainConfig& c) -> void* { return &c.exploration; }},
      {"temperature_start", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.temperature_start; }},
      {"temperature_end", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.temperature_end; }},
      {"anneal_episodes", Kind::kInt, [](TrainConfig& c) -> void* { return &c.anneal_episodes; }},
      {"epsilon_start", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.epsilon_start; }},
      {"epsilon_end", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.epsilon_end; }},
      {"target", Kind::kString, [](TrainConfig& c) -> void* { return &c.target; }},
      {"target_temperature", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.target_temperature; }},
      {"lr", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.lr; }},
      {"gamma", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.gamma; }},
      {"tau", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.tau; }},
      {"clip_norm", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.clip_norm; }},
      {"target_copy_every", Kind::kInt, [](TrainConfig& c) -> void* { return &c.target_copy_every; }},
      {"batch", Kind::kInt, [](TrainConfig& c) -> void* { return &c.batch; }},
      {"replay_capacity", Kind::kInt, [](TrainConfig& c) -> void* { return &c.replay_capacity; }},
      {"store_fraction", Kind::kFloat, [](TrainConfig& c) -> void* { return &c.store_fraction; }},
      {"store_chunk", Kind::kInt, [](TrainConfig& c) -> void* { return &c.store_chunk; }},
      {"update_every", Kind::kInt, [](TrainConfig& c) -> void* { return &c.update_every; }},
      {"updates_per_step", Kind::kInt, [](TrainConfig& c) -> void* { return &c.updates_per_step; }},
      {"warmup", Kind::kInt, [](TrainConfig& c) -> void* { return &c.warmup; }},
      {"network_math", Kind::kString, [](TrainConfig& c) -> void* { return &c.network_math; }},
      {"hidden", Kind::kIntList, [](TrainConfig& c) -> void* { return &c.hidden; }},
      {"seed", Kind::kSeed, [](TrainConfig& c) -> void* { return &c.seed; }},
      {"checkpoint_every", Kind::kInt, [](TrainConfig& c) -> void* { return &c.checkpoint_every; }},
      {"autosave_seconds", Kind::kInt, [](TrainConfig& c) -> void* { return &c.autosave_seconds; }},
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

// A key or assignment the user typed, for a one-line message: control bytes (a NUL would end it) as \xNN.
std::string printable(const std::string& s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
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
    void* f = k.field(c);
    auto bad = [&](const char* want) {
      return ConfigError(source + ": " + name + " must be " + want);
    };
    switch (k.kind) {
      case Kind::kInt:
        if (!v.is_integer()) throw bad("an integer");
        *static_cast<int64_t*>(f) = v.as_integer()->get();
        return;
      case Kind::kSeed:
        if (!v.is_integer() || v.as_integer()->get() < 0) throw bad("a non-negative integer");
        *static_cast<uint64_t*>(f) = static_cast<uint64_t>(v.as_integer()->get());
        return;
      case Kind::kFloat:
        if (v.is_integer()) *static_cast<double*>(f) = static_cast<double>(v.as_integer()->get());
        else if (v.is_floating_point()) *static_cast<double*>(f) = v.as_floating_point()->get();
        else throw bad("a number");
        return;
      case Kind::kBool:
        if (!v.is_boolean()) throw bad("true or false");
        *static_cast<bool*>(f) = v.as_boolean()->get();
        return;
      case Kind::kString:
        if (!v.is_string()) throw bad("a string");
        *static_cast<std::string*>(f) = v.as_string()->get();
        return;
      case Kind::kIntList: {
        if (!v.is_array()) throw bad("an array of integers, e.g. [128, 64]");
        std::vector<int64_t> out;
        for (const auto& e : *v.as_array()) {
          if (!e.is_integer()) throw bad("an array of integers, e.g. [128, 64]");
          out.push_back(e.as_integer()->get());
        }
        *static_cast<std::vector<int64_t>*>(f) = out;
        return;
      }
    }
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
//   assumption of its key parser (an assert; __builtin_assume in a release build).
// Such texts are refused here, before toml++ reads them: TOML allows non-ASCII text only in strings and
// comments, and a training config has no tables. Returns "LINE: what is wrong" or "".
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

void resolve_defaults(TrainConfig& c, bool cuda) {
  // GPU: 262,144 agents at MAgent's density (side ⌈5·√N⌉); 1/16 of the learners' transitions stored
  // (8192 a step) and a 32768 batch every 4 steps: replay ratio 1, the replay ~240 steps deep.
  const bool battle = c.scenario == "battle" || c.scenario == "battle_v4";
  if (c.agents_per_team == kAuto) c.agents_per_team = !battle ? 0 : cuda ? 131072 : 64;  // 0: the game's
  if (c.map_size == kAuto) c.map_size = !battle ? 0 : cuda ? 1811 : 40;
  if (c.episodes == kAuto) c.episodes = cuda ? 60 : 300;  // CPU: ~1 s per episode on 2 cores; wins from ~180
  if (c.batch == kAuto) c.batch = cuda ? 32768 : 256;
  if (c.replay_capacity == kAuto) c.replay_capacity = cuda ? 2000000 : 100000;
  if (c.store_fraction < 0) c.store_fraction = cuda ? 1.0 / 16 : 0.5;
  if (c.anneal_episodes == kAuto) c.anneal_episodes = c.episodes / 2 > 0 ? c.episodes / 2 : 1;
  if (c.warmup == kAuto) c.warmup = c.batch;
  if (c.obs_dtype == "auto") c.obs_dtype = cuda ? "bf16" : "f32";
  if (c.network_math == "auto") c.network_math = cuda ? "tf32" : "fp32";
  if (c.algorithm == "iql") c.target = "greedy_double";
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
  try {
    parse_scenario(c.scenario);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  if (c.algorithm != "mfq" && c.algorithm != "iql") fail("algorithm: '" + c.algorithm + "'; valid: mfq, iql");
  if (c.opponent != "random" && c.opponent != "scripted" && c.opponent != "frozen" && c.opponent != "both_learn" &&
      c.opponent != "selfplay_lagged")
    fail("opponent: '" + c.opponent + "'; valid: random, scripted, frozen, both_learn, selfplay_lagged");
  if (c.opponent == "frozen" && c.opponent_checkpoint.empty())
    fail("opponent = frozen needs opponent_checkpoint = \"RUN_DIR/checkpoints/latest.bin\" (a checkpoint file)");
  if (c.obs_dtype != "auto" && c.obs_dtype != "f32" && c.obs_dtype != "bf16")
    fail("obs_dtype: '" + c.obs_dtype + "'; valid: auto (bf16 with CUDA, f32 on the CPU), f32, bf16");
  if (c.network_math != "auto" && c.network_math != "fp32" && c.network_math != "tf32")
    fail("network_math: '" + c.network_math + "'; valid: auto (tf32 with CUDA, fp32 on the CPU), fp32, tf32");
  if (c.target_copy_every < 0) fail("target_copy_every must be >= 0 (0: soft updates with tau)");
  if (c.exploration != "boltzmann" && c.exploration != "epsilon")
    fail("exploration: '" + c.exploration + "'; valid: boltzmann, epsilon");
  if (c.target != "boltzmann" && c.target != "greedy_double")
    fail("target: '" + c.target + "'; valid: boltzmann, greedy_double");
  if (c.episodes < 1) fail("episodes must be >= 1");
  if (c.agents_per_team < 0) fail("agents_per_team must be >= 1 (0: the game's own population)");
  if (c.map_size != 0 && (c.map_size < 8 || c.map_size > 65535))
    fail("map_size must be in [8, 65535] (0: the game's own map)");
  if (c.max_steps < 1) fail("max_steps must be >= 1");
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
  if (c.autosave_seconds < 0 || c.autosave_seconds > 86400)
    fail("autosave_seconds must be in [0, 86400] (0: after every episode)");
}

std::string to_toml(const TrainConfig& c) {
  toml::table t;
  TrainConfig copy = c;
  for (const auto& k : keys()) {
    void* f = k.field(copy);
    switch (k.kind) {
      case Kind::kInt: t.insert(k.name, *static_cast<int64_t*>(f)); break;
      case Kind::kSeed: t.insert(k.name, static_cast<int64_t>(*static_cast<uint64_t*>(f))); break;
      case Kind::kFloat: t.insert(k.name, *static_cast<double*>(f)); break;
      case Kind::kString: t.insert(k.name, *static_cast<std::string*>(f)); break;
      case Kind::kBool: t.insert(k.name, *static_cast<bool*>(f)); break;
      case Kind::kIntList: {
        toml::array a;
        for (int64_t h : *static_cast<std::vector<int64_t>*>(f)) a.push_back(h);
        t.insert(k.name, std::move(a));
        break;
      }
    }
  }
  std::ostringstream os;
  os << t << "\n";
  return os.str();
}

}  // namespace myriad
