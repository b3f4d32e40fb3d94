#pragma once

#include "support/MontiProcess.hpp"

#include <string>
#include <vector>

namespace monti::itest {

/// The argv and envp arrays an exec call takes, with the strings they point into. Built before fork, so
/// that the child only makes async-signal-safe calls.
class ExecArgs {
 public:
  ExecArgs(std::vector<std::string> args, const Environment& env) : args_(std::move(args)) {
    env_.reserve(env.size());
    for (const auto& entry : env)
      env_.push_back(entry.first + "=" + entry.second);
    for (auto& a : args_)
      argv_.push_back(a.data());
    argv_.push_back(nullptr);
    for (auto& e : env_)
      envp_.push_back(e.data());
    envp_.push_back(nullptr);
  }
  ExecArgs(const ExecArgs&) = delete;
  ExecArgs& operator=(const ExecArgs&) = delete;

  char** argv() noexcept { return argv_.data(); }
  char** envp() noexcept { return envp_.data(); }

 private:
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

}  // namespace monti::itest
