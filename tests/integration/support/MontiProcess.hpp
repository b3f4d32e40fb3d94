#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace monti::itest {

using namespace std::chrono_literals;

/// Environment of a child process: exactly these variables, nothing inherited.
using Environment = std::map<std::string, std::string>;

/// PATH and sanitizer options from this process, plus SERVER_HOST=127.0.0.1, SERVER_PORT=0 and POD_ID=itest-pod.
/// No MONTI_* variable of the test runner leaks into the server.
Environment baseEnvironment();

/// `env` plus MONTI_PLUGINS=<plugins> and MONTI_PLUGINS_DIR=<the test plugin folder>.
Environment withPlugins(Environment env, const std::string& plugins);

/// Collects everything a child writes to one pipe, on a thread of its own.
class OutputCollector {
 public:
  explicit OutputCollector(int fd);
  ~OutputCollector();
  OutputCollector(const OutputCollector&) = delete;
  OutputCollector& operator=(const OutputCollector&) = delete;
  OutputCollector(OutputCollector&&) = delete;
  OutputCollector& operator=(OutputCollector&&) = delete;

  std::string text() const;
  /// Complete lines (without '\n') written so far.
  std::vector<std::string> lines() const;
  /// The first complete line matching `predicate`, waiting for it up to `timeout` or until the pipe closes.
  std::optional<std::string> waitForLine(const std::function<bool(const std::string&)>& predicate,
                                         std::chrono::milliseconds timeout) const;
  /// Blocks until the writer closed the pipe (the child exited), at most `timeout`.
  bool waitForEof(std::chrono::milliseconds timeout) const;

 private:
  void run();

  int fd_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string text_;
  bool eof_ = false;
  std::thread reader_;
};

/// The real monti binary as a child process. The destructor never leaves it behind: SIGTERM, then SIGKILL.
class MontiProcess {
 public:
  MontiProcess(std::vector<std::string> args, const Environment& env);
  ~MontiProcess();
  MontiProcess(const MontiProcess&) = delete;
  MontiProcess& operator=(const MontiProcess&) = delete;
  MontiProcess(MontiProcess&&) = delete;
  MontiProcess& operator=(MontiProcess&&) = delete;

  /// Waits for the JSON "listening" log line and returns its port. Throws with the captured output when the
  /// process exits or stays silent instead.
  int waitUntilListening(std::chrono::milliseconds timeout = 15s);
  int port() const noexcept { return port_; }
  pid_t pid() const noexcept { return pid_; }

  void signal(int signo) const;
  /// Waits until the main thread blocks (to sigwait for it) or catches `signo`, so that sending it cannot hit
  /// the default action. False if that did not happen within `timeout`.
  bool waitUntilSignalIsHandled(int signo, std::chrono::milliseconds timeout = 5s) const;
  /// The exit code (128 + signal number when killed by a signal), or nullopt if still running after `timeout`.
  std::optional<int> waitForExit(std::chrono::milliseconds timeout);
  bool running();

  const OutputCollector& out() const noexcept { return *out_; }
  const OutputCollector& err() const noexcept { return *err_; }
  /// stdout and stderr, for failure messages.
  std::string describe() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exitCode_;
  int port_ = 0;
  std::unique_ptr<OutputCollector> out_;
  std::unique_ptr<OutputCollector> err_;
};

/// Starts a server with `env` and waits until it listens.
std::unique_ptr<MontiProcess> startServer(const Environment& env, std::vector<std::string> args = {});

/// What a monti command that is expected to end (not serve) did.
struct ExitResult {
  std::optional<int> exitCode;  ///< nullopt: it was still running at the timeout and has been killed
  std::string out;
  std::string err;
};

/// Runs monti with `args` and `env` to completion.
ExitResult runToExit(std::vector<std::string> args, const Environment& env, std::chrono::milliseconds timeout = 15s);

/// Non-empty lines of `text`.
std::vector<std::string> nonEmptyLines(const std::string& text);

}  // namespace monti::itest
