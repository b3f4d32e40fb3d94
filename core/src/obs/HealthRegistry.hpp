#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace monti::obs {

enum class CheckStatus { up, down, disabled };

/// The outcome of probing one dependency.
struct CheckResult {
  CheckStatus status = CheckStatus::up;
  std::optional<std::string> error;                 ///< why it is down; never contains secrets
  nlohmann::json extra = nlohmann::json::object();  ///< e.g. {"mode":"in-process"}
};

/// Dependencies /health reports on. A critical check that is down makes the node unhealthy (503);
/// a non-critical one makes it degraded (still 200).
class HealthRegistry {
 public:
  using Probe = std::function<CheckResult()>;

  void add(std::string name, bool critical, Probe probe);
  /// Runs every probe (on the calling thread) and builds the /health body.
  /// Returns the body and whether the node is unhealthy.
  std::pair<nlohmann::json, bool> report(const std::string& podId, const std::string& version,
                                         std::chrono::steady_clock::time_point startedAt) const;

 private:
  struct Check {
    std::string name;
    bool critical;
    Probe probe;
  };
  mutable std::mutex mutex_;
  std::vector<Check> checks_;
};

const char* statusName(CheckStatus status) noexcept;

}  // namespace monti::obs
