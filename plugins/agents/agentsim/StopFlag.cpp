#include "StopFlag.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace monti::agentsim {

void StopFlag::request(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_.load(std::memory_order_relaxed)) return;
    reason_ = reason;
    stopped_.store(true, std::memory_order_relaxed);
  }
  wake_.notify_all();
}

std::string StopFlag::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

bool StopFlag::waitUntil(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  // A far deadline (a disabled pacer) would overflow the clock arithmetic of some libraries: wake hourly.
  const auto cap = std::chrono::steady_clock::now() + std::chrono::hours(1);
  return wake_.wait_until(lock, std::min(deadline, cap), [this] { return stopped_.load(std::memory_order_relaxed); });
}

bool StopFlag::waitFor(std::chrono::steady_clock::duration duration) {
  return waitUntil(std::chrono::steady_clock::now() + duration);
}

namespace {

// SIGINT and SIGTERM, except a SIGINT the parent set to be ignored: a shell script's background jobs get
// that so Ctrl-C reaches only the script, which then stops them with SIGTERM (as scripts/run does).
sigset_t stopSignals() {
  sigset_t set;
  sigemptyset(&set);
  struct sigaction current {};
  if (sigaction(SIGINT, nullptr, &current) != 0 || current.sa_handler != SIG_IGN) sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(StopFlag& stop) : stop_(stop), signals_(stopSignals()) {
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  thread_ = std::thread([this] { run(); });
}

SignalWatcher::~SignalWatcher() {
  done_.store(true);
  thread_.join();
}

void SignalWatcher::run() {
  const timespec poll{0, 200'000'000};  // to notice done_ when the run ends by itself
  while (!done_.load()) {
    const int signal = sigtimedwait(&signals_, nullptr, &poll);
    if (signal < 0) continue;
    if (stop_.requested()) {
      std::fprintf(stderr, "\nagentsim: second signal, exiting now\n");
      std::_Exit(1);
    }
    stop_.request(signal == SIGINT ? "SIGINT" : "SIGTERM");
  }
}

}  // namespace monti::agentsim
