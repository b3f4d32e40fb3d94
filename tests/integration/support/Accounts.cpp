#include "support/Accounts.hpp"

#include "support/ExecArgs.hpp"

#include "support/TempFile.hpp"
#include "support/TestDatabase.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace monti::itest {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string randomHex(std::size_t bytes) {
  std::random_device device;
  std::ostringstream out;
  out << std::hex;
  for (std::size_t i = 0; i < bytes; ++i)
    out << ((device() >> 4U) & 0xfU) << (device() & 0xfU);
  return out.str();
}

std::string describe(const ExitResult& result) {
  return "exit " + (result.exitCode ? std::to_string(*result.exitCode) : std::string("(killed)")) +
         "\n--- stdout ---\n" + result.out + "--- stderr ---\n" + result.err;
}

}  // namespace

Environment authEnvironment(const std::string& databaseUrl, const std::string& podId) {
  auto env = exampleEnvironment(databaseUrl, podId);
  env["JWT_SECRET"] = kJwtSecret;
  env["MONTI_AUTH_PASSWORD_ITERATIONS"] = "1000";
  return env;
}

ExitResult runWithInput(const std::vector<std::string>& args, const Environment& env, const std::string& input,
                        std::chrono::milliseconds timeout) {
  const TempFile stdinFile(input, ".in");
  const TempFile stdoutFile("", ".out");
  const TempFile stderrFile("", ".err");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> argvStrings{MONTI_BINARY};
  argvStrings.insert(argvStrings.end(), args.begin(), args.end());
  ExecArgs exec(std::move(argvStrings), env);
  const int in = open(stdinFile.path().c_str(), O_RDONLY | O_CLOEXEC);
  const int out = open(stdoutFile.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  const int err = open(stderrFile.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (in < 0 || out < 0 || err < 0) throw std::runtime_error(std::string("open: ") + std::strerror(errno));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(125);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::signal(SIGPIPE, SIG_DFL);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execve(exec.argv()[0], exec.argv(), exec.envp());
    _exit(127);
  }
  close(in);
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
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  result.out = readFile(stdoutFile.path());
  result.err = readFile(stderrFile.path());
  return result;
}

void migrateUp(const Environment& env) {
  const auto result = runToExit({"migrate", "up"}, env, std::chrono::seconds(60));
  if (result.exitCode != 0) throw std::runtime_error("monti migrate up failed: " + describe(result));
}

Account makeAccount(const std::string& role, const std::string& tenant) {
  const auto username = role + "_" + randomHex(6);
  return Account{username, username + "@example.test", "pw-" + randomHex(12), role, tenant};
}

std::int64_t createAccount(const Environment& env, const Account& account) {
  const auto result = runWithInput({"user", "create", "--username", account.username, "--email", account.email,
                                    "--role", account.role, "--tenant", account.tenant},
                                   env, account.password + "\n");
  static const std::regex created(R"(\(id (\d+),)");
  std::smatch match;
  if (result.exitCode != 0 || !std::regex_search(result.out, match, created)) {
    throw std::runtime_error("monti user create " + account.username + " failed: " + describe(result));
  }
  return std::stoll(match[1].str());
}

HttpResponse login(int port, const std::string& login, const std::string& password) {
  return postJson(port, "/api/v1/auth/login", nlohmann::json{{"username", login}, {"password", password}}.dump());
}

Session loginOk(int port, const Account& account) {
  const auto response = login(port, account.username, account.password);
  if (response.status != 200) {
    throw std::runtime_error("login of " + account.username + " failed: " + std::to_string(response.status) + " " +
                             response.body);
  }
  const auto json = response.json();
  return Session{json.at("accessToken").get<std::string>(), json.at("refreshToken").get<std::string>(),
                 json.at("user")};
}

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

HttpResponse call(int port, const std::string& method, const std::string& target, const Headers& headers,
                  const std::optional<std::string>& body) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers = headers;
  request.body = body;
  return send(port, request);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

std::string errorCode(const HttpResponse& response) {
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object()) return "";
  return json["error"].value("code", "");
}

}  // namespace monti::itest
