// cli/signal_stop.hpp: SIGINT, SIGTERM and SIGHUP turned into a flag that a long loop polls, so that a
// command ends at a safe point (after a step or an episode) and writes, or removes, what it must.
#pragma once
#include <csignal>

namespace myriad::cli {

class SignalStop {
 public:
  SignalStop();  // clears the flag and installs the handlers
  ~SignalStop();  // restores the previous handlers
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
  static bool requested();

 private:
  using Handler = void (*)(int);
  Handler old_int_, old_term_, old_hup_;
};

}  // namespace myriad::cli
