// cli/signal_stop.cpp: see signal_stop.hpp.
#include "cli/signal_stop.hpp"

namespace myriad::cli {

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }
}  // namespace

SignalStop::SignalStop() {
  g_stop = 0;
  old_int_ = std::signal(SIGINT, on_stop_signal);
  old_term_ = std::signal(SIGTERM, on_stop_signal);
  old_hup_ = std::signal(SIGHUP, on_stop_signal);
}

SignalStop::~SignalStop() {
  std::signal(SIGINT, old_int_);
  std::signal(SIGTERM, old_term_);
  std::signal(SIGHUP, old_hup_);
}

bool SignalStop::requested() { return g_stop != 0; }

}  // namespace myriad::cli
