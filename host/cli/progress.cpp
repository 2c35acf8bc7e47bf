// cli/progress.cpp: progress lines for `myriad run` on stdout; the estimate of the time left assumes
// every episode runs to --steps (an episode that ends early only makes it shorter).
#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace myriad::cli {

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[48];
  if (s < 60) std::snprintf(buf, sizeof buf, "%lld s", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  return buf;
}

std::string format_rate(double r) {
  char buf[32];
  if (r < 1e3) std::snprintf(buf, sizeof buf, "%.0f", r);
  else if (r < 1e6) std::snprintf(buf, sizeof buf, "%.3g k", r / 1e3);
  else if (r < 1e9) std::snprintf(buf, sizeof buf, "%.3g M", r / 1e6);
  else std::snprintf(buf, sizeof buf, "%.3g G", r / 1e9);
  return buf;
}

Progress::Progress(int64_t episodes, int64_t steps_per_episode, bool enabled)
    : episodes_(episodes), steps_per_episode_(steps_per_episode), enabled_(enabled),
      tty_(isatty(fileno(stdout)) != 0), start_(Clock::now()), last_print_(start_) {}

void Progress::update(int64_t episode, int64_t step, int64_t steps_done, double agent_steps_per_s) {
  if (!enabled_) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_print_).count();
  if (since < (tty_ ? 0.2 : 10.0)) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const int64_t total = episodes_ * steps_per_episode_;
  const double left = steps_done > 0 ? elapsed * static_cast<double>(total - steps_done) / static_cast<double>(steps_done) : 0.0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "episode %lld (%lld/%lld)  step %lld/%lld  %s agent-steps/s  about %s left",
                static_cast<long long>(episode), static_cast<long long>(episode + 1),
                static_cast<long long>(episodes_),
                static_cast<long long>(step), static_cast<long long>(steps_per_episode_),
                format_rate(agent_steps_per_s).c_str(), format_duration(left).c_str());
  if (tty_) {
    std::printf("\r\033[K%s", buf);
    line_shown_ = true;
  } else {
    std::printf("progress: %s\n", buf);
  }
  std::fflush(stdout);
}

void Progress::clear() {
  if (!line_shown_) return;
  std::printf("\r\033[K");
  std::fflush(stdout);
  line_shown_ = false;
}

}  // namespace myriad::cli
