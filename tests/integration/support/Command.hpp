#pragma once

#include "support/MontiProcess.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace monti::itest {

/// Runs a program (looked up on PATH, with this process's environment) to completion, capturing its output.
/// A program still running at `timeout` is killed; then exitCode is nullopt.
ExitResult runCommand(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 60s);

}  // namespace monti::itest
