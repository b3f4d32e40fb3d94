#pragma once
/// Scheduled jobs. Each runs at most once per tick across the cluster.

#include <chrono>
#include <functional>
#include <string_view>

namespace monti::sched {

/// The job body. Runs on a scheduler thread; an exception is logged and the job runs again next tick.
using Job = std::function<void()>;

class JobRegistry {
 public:
  virtual ~JobRegistry() = default;
  /// Every `period` (at least one second). Throws RegistrationError on a duplicate name or bad period.
  virtual void interval(std::string_view name, std::chrono::milliseconds period, Job job) = 0;
  /// On a 5-field cron expression in UTC ("1 0 * * *"). Throws RegistrationError on a malformed one.
  virtual void cron(std::string_view name, std::string_view expression, Job job) = 0;
};

}  // namespace monti::sched
