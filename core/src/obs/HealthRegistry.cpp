#include "obs/HealthRegistry.hpp"

namespace monti::obs {

void HealthRegistry::add(std::string name, bool critical, Probe probe) {
  std::lock_guard lock(mutex_);
  checks_.push_back(Check{std::move(name), critical, std::move(probe)});
}

std::pair<nlohmann::json, bool> HealthRegistry::report(const std::string& podId, const std::string& version,
                                                       std::chrono::steady_clock::time_point startedAt) const {
  std::vector<Check> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  bool unhealthy = false;
  bool degraded = false;
  nlohmann::json results = nlohmann::json::object();
  for (const auto& check : checks) {
    const auto begin = std::chrono::steady_clock::now();
    CheckResult result;
    try {
      result = check.probe();
    } catch (const std::exception& e) {
      result = CheckResult{CheckStatus::down, std::string(e.what()), nlohmann::json::object()};
    }
    const double latencyMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    nlohmann::json entry = result.extra;
    entry["status"] = statusName(result.status);
    entry["latencyMs"] = std::round(latencyMs * 100) / 100;
    if (result.error) entry["error"] = *result.error;
    results[check.name] = std::move(entry);
    if (result.status == CheckStatus::down) (check.critical ? unhealthy : degraded) = true;
  }
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - startedAt);
  nlohmann::json body = {
      {"status", unhealthy  ? "unhealthy"
                 : degraded ? "degraded"
                            : "healthy"},
      {"podId", podId},
      {"version", version},
      {"uptimeSeconds", uptime.count()},
      {"checks", std::move(results)},
  };
  return {std::move(body), unhealthy};
}

const char* statusName(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::up:
      return "up";
    case CheckStatus::down:
      return "down";
    case CheckStatus::disabled:
      return "disabled";
  }
  return "down";
}

}  // namespace monti::obs
