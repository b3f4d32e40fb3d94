#pragma once

#include <csignal>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace monti::agentsim {

/// The run's stop flag: set by a signal, the end of --duration or a fatal error. Thread-safe; sleepers in
/// waitUntil() wake at once.
class StopFlag {
 public:
  /// Stops the run; the first reason is kept ("SIGINT", "duration reached").
  void request(const std::string& reason);
  bool requested() const { return stopped_.load(std::memory_order_relaxed); }
  std::string reason() const;
  /// Sleeps until `deadline` or a stop request, without busy waiting. True when stopped.
  bool waitUntil(std::chrono::steady_clock::time_point deadline);
  /// Sleeps for `duration` or until stopped. True when stopped.
  bool waitFor(std::chrono::steady_clock::duration duration);

 private:
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string reason_;
};

/// Turns SIGINT and SIGTERM into stop requests on a thread of its own; a second signal exits at once.
/// A SIGINT that was ignored when the process started stays ignored (background jobs of scripts).
/// Construct it before starting any other thread: it blocks both signals for the threads created later.
class SignalWatcher {
 public:
  explicit SignalWatcher(StopFlag& stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void run();

  StopFlag& stop_;
  sigset_t signals_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace monti::agentsim
