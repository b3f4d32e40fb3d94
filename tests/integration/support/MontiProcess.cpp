#include "support/MontiProcess.hpp"

#include "support/ExecArgs.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace monti::itest {
namespace {

// Variables the child may inherit: enough to run, and the sanitizer settings of the CI build.
constexpr std::array<const char*, 5> kInherited{"PATH", "LD_LIBRARY_PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS",
                                                "LSAN_OPTIONS"};

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe makePipe() {
  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  return Pipe{fds[0], fds[1]};
}

std::optional<int> exitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return std::nullopt;
}

bool isListeningLine(const std::string& line) {
  if (line.find("\"listening\"") == std::string::npos) return false;
  const auto json = nlohmann::json::parse(line, nullptr, false);
  return json.is_object() && json.value("msg", "") == "listening" && json.contains("port");
}

}  // namespace

Environment baseEnvironment() {
  Environment env;
  for (const char* name : kInherited) {
    if (const char* value = std::getenv(name)) env.emplace(name, value);  // NOLINT(concurrency-mt-unsafe)
  }
  if (env.count("PATH") == 0) env.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
  env["SERVER_HOST"] = "127.0.0.1";
  env["SERVER_PORT"] = "0";
  env["POD_ID"] = "itest-pod";
  return env;
}

Environment withPlugins(Environment env, const std::string& plugins) {
  env["MONTI_PLUGINS"] = plugins;
  env["MONTI_PLUGINS_DIR"] = MONTI_TEST_PLUGIN_DIR;
  return env;
}

// ---------------------------------------------------------------------------------------------------------------

OutputCollector::OutputCollector(int fd) : fd_(fd), reader_([this] { run(); }) {}

OutputCollector::~OutputCollector() {
  reader_.join();
  close(fd_);
}

void OutputCollector::run() {
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = read(fd_, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      return;
    }
    text_.append(buffer.data(), static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

std::string OutputCollector::text() const {
  std::lock_guard lock(mutex_);
  return text_;
}

std::vector<std::string> OutputCollector::lines() const {
  std::lock_guard lock(mutex_);
  return splitLines(text_);
}

std::optional<std::string> OutputCollector::waitForLine(const std::function<bool(const std::string&)>& predicate,
                                                        std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    for (auto& line : splitLines(text_)) {
      if (predicate(line)) return line;
    }
    if (eof_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (auto& line : splitLines(text_)) {
        if (predicate(line)) return line;
      }
      return std::nullopt;
    }
  }
}

bool OutputCollector::waitForEof(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return eof_; });
}

// ---------------------------------------------------------------------------------------------------------------

MontiProcess::MontiProcess(std::vector<std::string> args, const Environment& env) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  args.insert(args.begin(), MONTI_BINARY);
  ExecArgs exec(std::move(args), env);

  std::signal(SIGPIPE, SIG_IGN);  // a server closing early must fail a write, not kill the test
  const Pipe out = makePipe();
  const Pipe err = makePipe();
  const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // A test runner killed by a timeout must not leave a server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(125);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // The test process ignores SIGPIPE; the server must not inherit that.
    std::signal(SIGPIPE, SIG_DFL);
    dup2(devNull, STDIN_FILENO);
    dup2(out.write, STDOUT_FILENO);
    dup2(err.write, STDERR_FILENO);
    execve(exec.argv()[0], exec.argv(), exec.envp());
    _exit(127);
  }
  close(devNull);
  close(out.write);
  close(err.write);
  out_ = std::make_unique<OutputCollector>(out.read);
  err_ = std::make_unique<OutputCollector>(err.read);
}

MontiProcess::~MontiProcess() {
  if (running()) {
    signal(SIGTERM);
    if (!waitForExit(10s)) {
      kill(pid_, SIGKILL);
      waitForExit(10s);
    }
  }
  // The collectors join their threads once the pipes close, which the exit above guarantees.
}

int MontiProcess::waitUntilListening(std::chrono::milliseconds timeout) {
  const auto line = out_->waitForLine(isListeningLine, timeout);
  if (!line) {
    throw std::runtime_error("monti did not report \"listening\" within " + std::to_string(timeout.count()) + " ms\n" +
                             describe());
  }
  port_ = nlohmann::json::parse(*line).at("port").get<int>();
  return port_;
}

void MontiProcess::signal(int signo) const {
  if (pid_ > 0) kill(pid_, signo);
}

bool MontiProcess::waitUntilSignalIsHandled(int signo, std::chrono::milliseconds timeout) const {
  const std::string task = "/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_);
  const auto bit = std::uint64_t{1} << static_cast<unsigned>(signo - 1);
  const auto handled = [&] {
    // sigwait() unblocks the awaited signals while it sleeps, so SigBlk does not show them then: ask wchan too.
    std::string wchan;
    std::getline(std::ifstream(task + "/wchan"), wchan);
    if (wchan.find("sigtimedwait") != std::string::npos) return true;
    std::ifstream status(task + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigBlk:", 0) != 0 && line.rfind("SigCgt:", 0) != 0) continue;
      if ((std::stoull(line.substr(7), nullptr, 16) & bit) != 0) return true;
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!handled()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

std::optional<int> MontiProcess::waitForExit(std::chrono::milliseconds timeout) {
  if (exitCode_) return exitCode_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exitCode_ = exitCodeOf(status);
      if (exitCode_) {
        // Let the readers drain what the child wrote last.
        out_->waitForEof(5s);
        err_->waitForEof(5s);
        return exitCode_;
      }
    } else if (done < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
}

bool MontiProcess::running() { return !exitCode_ && !waitForExit(0ms); }

std::string MontiProcess::describe() const {
  return "--- monti stdout ---\n" + out_->text() + "--- monti stderr ---\n" + err_->text() + "---";
}

std::unique_ptr<MontiProcess> startServer(const Environment& env, std::vector<std::string> args) {
  auto process = std::make_unique<MontiProcess>(std::move(args), env);
  process->waitUntilListening();
  return process;
}

ExitResult runToExit(std::vector<std::string> args, const Environment& env, std::chrono::milliseconds timeout) {
  MontiProcess process(std::move(args), env);
  ExitResult result;
  result.exitCode = process.waitForExit(timeout);
  if (!result.exitCode) {
    process.signal(SIGKILL);
    process.waitForExit(10s);
  }
  result.out = process.out().text();
  result.err = process.err().text();
  return result;
}

std::vector<std::string> nonEmptyLines(const std::string& text) {
  std::vector<std::string> lines;
  for (auto& line : splitLines(text + "\n")) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace monti::itest
