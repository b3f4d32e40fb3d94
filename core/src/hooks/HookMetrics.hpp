#pragma once
/// Per-hook counters: Prometheus series, and the figures GET /api/v1/hooks shows (this node's).

#include <monti/obs/Metrics.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace monti::hooks {

/// This node's figures for one hook.
struct HookFigures {
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  double p95Ms = 0;  ///< over the last kDurationWindow runs; 0 before the first
};

/// Thread-safe.
class HookMetrics {
 public:
  static constexpr std::size_t kDurationWindow = 1000;

  explicit HookMetrics(obs::MetricsRegistry& registry);

  /// One run of handle(): its duration, whether it failed, and how long after the event's commit it began.
  void run(const std::string& hook, double durationMs, bool failed, double lagSeconds);
  void retried(const std::string& hook);
  void deadLettered(const std::string& hook);
  void reclaimed(const std::string& hook);
  void backlog(std::int64_t deliveries);

  HookFigures figures(const std::string& hook) const;

 private:
  struct PerHook {
    obs::Counter* runs = nullptr;
    obs::Counter* failures = nullptr;
    obs::Counter* retries = nullptr;
    obs::Counter* dead = nullptr;
    obs::Counter* reclaimed = nullptr;
    obs::Histogram* duration = nullptr;
    std::uint64_t runCount = 0;
    std::uint64_t failureCount = 0;
    std::deque<double> recentMs;
  };
  PerHook& series(const std::string& hook);  // mutex_ held

  obs::MetricsRegistry& registry_;
  obs::Histogram& lag_;
  obs::Gauge& backlog_;
  mutable std::mutex mutex_;
  std::map<std::string, PerHook, std::less<>> hooks_;
};

}  // namespace monti::hooks
