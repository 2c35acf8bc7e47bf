// cli/progress.hpp: progress of a long `myriad run`: one updating line (\r) on a terminal, a plain
// line at most every 10 s otherwise (logs), nothing with --quiet.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace myriad::cli {

class Progress {
 public:
  // episodes x steps_per_episode bounds the steps left, for the time-left estimate.
  Progress(int64_t episodes, int64_t steps_per_episode, bool enabled);
  // Called after every step; prints only when the interval has passed.
  void update(int64_t episode, int64_t step, int64_t steps_done, double agent_steps_per_s);
  // Erases the terminal line, before a summary is printed.
  void clear();

 private:
  using Clock = std::chrono::steady_clock;
  int64_t episodes_, steps_per_episode_;
  bool enabled_, tty_;
  bool line_shown_ = false;
  Clock::time_point start_, last_print_;
};

// "42 s", "3 min 05 s", "2 h 07 min".
std::string format_duration(double seconds);
// "950", "12.3 k", "4.56 M", "1.23 G".
std::string format_rate(double per_second);

}  // namespace myriad::cli
