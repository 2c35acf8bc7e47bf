// cli/train_output.cpp: writes the run directory of `myriad train` (see train_output.hpp); metrics
// rows are formatted by hand, one per episode, flushed so that a killed run keeps what it finished.
#include "cli/train_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/input_file.hpp"
#include "myriad/output_file.hpp"

namespace myriad::cli {

namespace fs = std::filesystem;

namespace {

// The episode number a metrics line starts with (csv: "E,...", jsonl: {"episode":E,...}); -1 if none.
int64_t line_episode(const std::string& line) {
  const std::string key = "{\"episode\":";
  size_t at = line.rfind(key, 0) == 0 ? key.size() : 0;
  if (at == line.size() || line[at] < '0' || line[at] > '9') return -1;
  int64_t e = 0;
  for (; at < line.size() && line[at] >= '0' && line[at] <= '9' && e < (int64_t{1} << 50); ++at) e = e * 10 + (line[at] - '0');
  return at < line.size() && line[at] == ',' ? e : -1;
}

constexpr const char* kCsvHeader =
    "episode,steps,learner_side,outcome,return_learner,return_opponent,per_agent_return_learner,"
    "per_agent_return_opponent,kills_learner,kills_opponent,survivors_learner,survivors_opponent,"
    "updates,loss,first_loss,mean_q,temperature,agent_steps_per_s,seconds,actor_loss,entropy,hits_learner,"
    "hits_opponent,learning_agents";

// Keeps, of a metrics file, the header (csv) and the whole rows of the first `done` episodes (numbered
// from 0): the rows of episodes played after the checkpoint a run resumes from, and a row torn by a
// kill, go. A csv written before the last columns existed gets today's header and empty cells.
void keep_first(const std::string& path, bool has_header, int64_t done) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  const std::string text = read_input_text(path, "metrics file", uint64_t{1} << 32);
  std::string kept;
  ptrdiff_t pad = 0;  // columns an older header lacks
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = text.substr(start, end - start);
    const int64_t e = line_episode(line);
    if (has_header && start == 0 && e < 0) {
      const std::string now = kCsvHeader;
      pad = now.size() > line.size() && now.compare(0, line.size(), line) == 0 && now[line.size()] == ','
                ? std::count(now.begin() + static_cast<ptrdiff_t>(line.size()), now.end(), ',')
                : 0;
      kept += (pad > 0 ? now : line) + "\n";
    } else if (e >= 0 && e < done) {
      kept += line + std::string(static_cast<size_t>(pad), ',') + "\n";
    }
  }
  if (kept != text) write_text(path, kept);
}

std::FILE* open_append(const std::string& path, bool resume, bool& fresh) {
  fresh = !resume || !fs::exists(path);
  std::FILE* f = std::fopen(path.c_str(), fresh ? "w" : "a");
  if (f == nullptr) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  return f;
}

std::string num(double v) {  // JSON has no NaN: null
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void write_text(const std::string& path, const std::string& text) { write_text_file(path, text); }

std::string latest_checkpoint_path(const std::string& dir) { return (fs::path(dir) / "checkpoints" / "latest.bin").string(); }

std::string git_commit() {
#if defined(MYRIAD_SOURCE_DIR)
  const std::string cmd = std::string("git -C '") + MYRIAD_SOURCE_DIR + "' rev-parse HEAD 2>/dev/null";
#else
  const std::string cmd = "git rev-parse HEAD 2>/dev/null";
#endif
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "unknown";
  char buf[128] = {};
  const bool got = std::fgets(buf, sizeof buf, p) != nullptr;
  const int rc = pclose(p);
  std::string s = got ? buf : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return rc == 0 && s.size() == 40 ? s : "unknown";
}

TrainOutput::TrainOutput(const std::string& dir, int64_t resumed_from) : dir_(dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "checkpoints", ec);
  if (ec) throw std::runtime_error("cannot create " + dir + "/checkpoints: " + ec.message());
  const bool resume = resumed_from >= 0;
  if (resume) {
    keep_first((fs::path(dir) / "metrics.csv").string(), true, resumed_from);
    keep_first((fs::path(dir) / "metrics.jsonl").string(), false, resumed_from);
  }
  bool fresh = false;
  csv_ = open_append((fs::path(dir) / "metrics.csv").string(), resume, fresh);
  if (fresh)
    checked_write(csv_, std::string(kCsvHeader) + "\n", "metrics.csv");
  jsonl_ = open_append((fs::path(dir) / "metrics.jsonl").string(), resume, fresh);
}

TrainOutput::~TrainOutput() {
  if (csv_ != nullptr) std::fclose(csv_);
  if (jsonl_ != nullptr) std::fclose(jsonl_);
}

void TrainOutput::write_config(const std::string& toml_text) {
  write_text((fs::path(dir_) / "config.toml").string(), toml_text);
}

void TrainOutput::write_run_json(const std::string& backend, const std::string& device, uint64_t seed,
                                 const std::string& command_line, int64_t resumed_from) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  nlohmann::json j;
  j["backend"] = backend;
  if (!device.empty()) j["device"] = device;
  j["commit"] = git_commit();
  j["seed"] = seed;
  j["command_line"] = command_line;
  j["date"] = date;
  if (resumed_from >= 0) {
    j["resumed_from_episode"] = resumed_from;
    j["replay_restored"] = false;  // the replay buffer starts empty on resume
  }
  write_text((fs::path(dir_) / (resumed_from >= 0 ? "run_resume.json" : "run.json")).string(), j.dump(2) + "\n");
}

void TrainOutput::write_metrics(const EpisodeMetrics& m) {
  auto i = [](int64_t v) { return std::to_string(v); };
  auto q = [](const char* v) { return "\"" + std::string(v) + "\""; };
  // (name, value as JSON text) in the CSV header's order; a CSV cell is the value without quotes.
  const std::vector<std::pair<const char*, std::string>> fields = {
      {"episode", i(m.episode)},
      {"steps", i(m.steps)},
      {"learner_side", q(m.learner_name.c_str())},
      {"outcome", q(m.outcome() > 0 ? "win" : m.outcome() < 0 ? "loss" : "draw")},
      {"return_learner", num(m.team_return[0])},
      {"return_opponent", num(m.team_return[1])},
      {"per_agent_return_learner", num(m.per_agent_return[0])},
      {"per_agent_return_opponent", num(m.per_agent_return[1])},
      {"kills_learner", i(m.kills[0])},
      {"kills_opponent", i(m.kills[1])},
      {"survivors_learner", i(m.survivors[0])},
      {"survivors_opponent", i(m.survivors[1])},
      {"updates", i(m.updates)},
      {"loss", num(m.loss)},
      {"first_loss", num(m.first_loss)},
      {"mean_q", num(m.mean_q)},
      {"temperature", num(m.temperature)},
      {"agent_steps_per_s", num(m.agent_steps_per_s)},
      {"seconds", num(m.seconds)},
      {"actor_loss", num(m.actor_loss)},
      {"entropy", num(m.entropy)},
      {"hits_learner", i(m.hits[0])},
      {"hits_opponent", i(m.hits[1])},
      {"learning_agents", i(m.learning_agents)},
  };
  std::string csv, json = "{";
  for (size_t k = 0; k < fields.size(); ++k) {
    const std::string& v = fields[k].second;
    csv += (k ? "," : "") + (v.front() == '"' ? v.substr(1, v.size() - 2) : v);
    json += std::string(k ? "," : "") + "\"" + fields[k].first + "\":" + v;
  }
  checked_write(csv_, csv + "\n", "metrics.csv");
  checked_write(jsonl_, json + "}\n", "metrics.jsonl");
}

// A failed write (a full disk, a quota) stops the run at once, naming the file and the free space:
// the rows before it stay readable, and the last checkpoint still resumes the run.
void TrainOutput::checked_write(std::FILE* f, const std::string& text, const char* name) {
  if (std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0) return;
  const int err = errno;
  const std::string path = (fs::path(dir_) / name).string();
  throw std::runtime_error("writing " + path + " failed: " + std::strerror(err) + free_space_note(path) +
                           "; free some space and resume with --resume " + dir_);
}

std::string TrainOutput::write_checkpoint(const Checkpoint& ck) {
  char name[64];
  std::snprintf(name, sizeof name, "ckpt_%06lld.bin", static_cast<long long>(ck.header.episode));
  const std::string path = (fs::path(dir_) / "checkpoints" / name).string();
  myriad::write_checkpoint(path, ck);
  myriad::write_checkpoint(latest_checkpoint_path(dir_), ck);
  return path;
}

void TrainOutput::write_latest(const Checkpoint& ck) { myriad::write_checkpoint(latest_checkpoint_path(dir_), ck); }

}  // namespace myriad::cli
