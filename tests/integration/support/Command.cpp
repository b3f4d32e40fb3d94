#include "support/Command.hpp"

#include "support/TempFile.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace monti::itest {
namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ExitResult runCommand(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  if (args.empty()) throw std::invalid_argument("runCommand needs a program");
  std::vector<std::string> storage(args);
  std::vector<char*> argv;
  argv.reserve(storage.size() + 1);
  for (auto& a : storage)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  // Files, not pipes: a daemon the command starts (pg_ctl start) could keep a pipe open forever.
  const TempFile outFile("", ".out");
  const TempFile errFile("", ".err");
  const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(outFile.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  const int err = open(errFile.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (devNull < 0 || out < 0 || err < 0) throw std::runtime_error(std::string("open: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::signal(SIGPIPE, SIG_DFL);
    dup2(devNull, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(devNull);
  close(out);
  close(err);
  ExitResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result.exitCode = 128 + WTERMSIG(status);
      break;
    }
    if (done < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  result.out = readAll(outFile.path());
  result.err = readAll(errFile.path());
  return result;
}

}  // namespace monti::itest
