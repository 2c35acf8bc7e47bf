// cli/stats_writer.cpp: JSONL step statistics through a temporary file and an atomic rename;
// lines are formatted by hand (no JSON library per step) since a step of a small world is fast.
#include "cli/stats_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "cli/options.hpp"

namespace myriad::cli {

namespace {

void append_group_field(std::string& line, const char* key, const std::vector<std::string>& names,
                        const StepStats& s, int which) {
  line += ",\"";
  line += key;
  line += "\":{";
  char buf[64];
  for (int g = 0; g < s.n_groups && g < static_cast<int>(names.size()); ++g) {
    if (g) line += ',';
    line += '"' + names[static_cast<size_t>(g)] + "\":";
    if (which == 0) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.alive[g]));
    if (which == 1) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.kills[g]));
    if (which == 2) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.hits[g]));
    if (which == 3) std::snprintf(buf, sizeof buf, "%.17g", s.reward(g));
    if (which == 4) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s.deaths[g]));
    line += buf;
  }
  line += '}';
}

}  // namespace

StatsWriter::StatsWriter(std::string path, std::vector<std::string> group_names)
    : path_(std::move(path)), names_(std::move(group_names)) {
  if (path_.empty()) return;
  tmp_path_ = path_ + ".tmp";
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (!file_)
    throw UsageError("--stats: cannot write '" + tmp_path_ + "': " + std::strerror(errno) +
                     "; use a path in an existing, writable directory");
}

StatsWriter::~StatsWriter() {
  if (file_) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

void StatsWriter::write(int64_t episode, const StepStats& s) {
  if (!file_) return;
  line_ = "{\"episode\":" + std::to_string(episode) + ",\"step\":" + std::to_string(s.step);
  append_group_field(line_, "alive", names_, s, 0);
  append_group_field(line_, "deaths", names_, s, 4);
  append_group_field(line_, "kills", names_, s, 1);
  append_group_field(line_, "hits", names_, s, 2);
  append_group_field(line_, "reward", names_, s, 3);
  line_ += s.done ? ",\"done\":true" : ",\"done\":false";
  line_ += s.truncated ? ",\"truncated\":true}\n" : ",\"truncated\":false}\n";
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size())
    throw std::runtime_error("--stats: writing '" + tmp_path_ + "' failed: " + std::strerror(errno));
}

void StatsWriter::commit() {
  if (!file_) return;
  std::FILE* f = file_;
  file_ = nullptr;
  const bool flushed = std::fflush(f) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!flushed || !closed || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp_path_.c_str());
    throw std::runtime_error("--stats: cannot write '" + path_ + "': " + why);
  }
}

}  // namespace myriad::cli
