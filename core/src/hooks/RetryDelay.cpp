#include "hooks/RetryDelay.hpp"

#include <algorithm>
#include <random>

namespace monti::hooks {
namespace {

constexpr double kJitter = 0.2;
constexpr std::chrono::seconds kFallback{10};

}  // namespace

std::chrono::milliseconds retryDelay(const std::vector<std::chrono::seconds>& schedule, int failedAttempt,
                                     double unitRandom) {
  std::chrono::milliseconds base = kFallback;
  if (!schedule.empty()) {
    const auto index = static_cast<std::size_t>(std::max(failedAttempt, 1) - 1);
    base = schedule[std::min(index, schedule.size() - 1)];
  }
  const double factor = 1.0 + kJitter * (2.0 * std::clamp(unitRandom, 0.0, 1.0) - 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(base.count()) * factor));
}

std::chrono::milliseconds retryDelay(const std::vector<std::chrono::seconds>& schedule, int failedAttempt) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return retryDelay(schedule, failedAttempt, unit(generator));
}

}  // namespace monti::hooks
