#include "hooks/HookMetrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace monti::hooks {
namespace {

const std::vector<double> kSecondBuckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

}  // namespace

HookMetrics::HookMetrics(obs::MetricsRegistry& registry)
    : registry_(registry),
      lag_(registry.histogram("monti_hook_delivery_lag_seconds",
                              "From an event's commit to the start of a hook's handle() for it", kSecondBuckets)),
      backlog_(
          registry.gauge("monti_hook_deliveries_waiting", "Deliveries pending or failed, waiting for an attempt")) {}

HookMetrics::PerHook& HookMetrics::series(const std::string& hook) {
  auto it = hooks_.find(hook);
  if (it != hooks_.end()) return it->second;
  const obs::Labels labels{{"hook", hook}};
  PerHook h;
  h.runs = &registry_.counter("monti_hook_runs_total", "Runs of a hook's handle()", labels);
  h.failures = &registry_.counter("monti_hook_failures_total", "Runs that failed", labels);
  h.retries = &registry_.counter("monti_hook_retries_total", "Failed attempts scheduled to be tried again", labels);
  h.dead = &registry_.counter("monti_hook_dead_letters_total", "Deliveries that used up their attempts", labels);
  h.reclaimed = &registry_.counter("monti_hook_reclaimed_total",
                                   "Attempts taken back after their lease ran out (node stopped or run hung)", labels);
  h.duration =
      &registry_.histogram("monti_hook_duration_seconds", "Duration of a hook's handle()", kSecondBuckets, labels);
  return hooks_.emplace(hook, std::move(h)).first->second;
}

void HookMetrics::run(const std::string& hook, double durationMs, bool failed, double lagSeconds) {
  lag_.observe(std::max(lagSeconds, 0.0));
  std::lock_guard lock(mutex_);
  auto& h = series(hook);
  h.runs->inc();
  h.duration->observe(durationMs / 1000.0);
  ++h.runCount;
  if (failed) {
    h.failures->inc();
    ++h.failureCount;
  }
  h.recentMs.push_back(durationMs);
  if (h.recentMs.size() > kDurationWindow) h.recentMs.pop_front();
}

void HookMetrics::retried(const std::string& hook) {
  std::lock_guard lock(mutex_);
  series(hook).retries->inc();
}

void HookMetrics::deadLettered(const std::string& hook) {
  std::lock_guard lock(mutex_);
  series(hook).dead->inc();
}

void HookMetrics::reclaimed(const std::string& hook) {
  std::lock_guard lock(mutex_);
  series(hook).reclaimed->inc();
}

void HookMetrics::backlog(std::int64_t deliveries) { backlog_.set(deliveries); }

HookFigures HookMetrics::figures(const std::string& hook) const {
  std::vector<double> sorted;
  HookFigures f;
  {
    std::lock_guard lock(mutex_);
    const auto it = hooks_.find(hook);
    if (it == hooks_.end()) return f;
    f.runs = it->second.runCount;
    f.failures = it->second.failureCount;
    sorted.assign(it->second.recentMs.begin(), it->second.recentMs.end());
  }
  if (sorted.empty()) return f;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(sorted.size()))) - 1;
  f.p95Ms = sorted[std::min(rank, sorted.size() - 1)];
  return f;
}

}  // namespace monti::hooks
