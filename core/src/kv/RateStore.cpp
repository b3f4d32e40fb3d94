#include "kv/RateStore.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace monti::kv {

std::int64_t gcraInterval(int limit, std::chrono::milliseconds window) {
  if (limit <= 0 || window.count() <= 0) {
    throw std::invalid_argument("rate limit: " + std::to_string(limit) + " per " + std::to_string(window.count()) +
                                " ms: expected a positive count and window");
  }
  const std::int64_t micros = std::chrono::microseconds(window).count();
  return (micros + limit - 1) / limit;
}

GcraStep gcraStep(std::int64_t tat, std::int64_t now, int limit, std::int64_t interval) {
  const std::int64_t span = interval * limit;  // the burst: `limit` intervals, about one window
  const std::int64_t next = std::max(tat, now) + interval;
  GcraStep step;
  if (next - now <= span) {
    step.tat = next;
    step.verdict.allowed = true;
    step.verdict.remaining = static_cast<int>((span - (next - now)) / interval);
  } else {
    step.tat = std::min(next, now + 2 * span);
    step.verdict.retryAfter = std::chrono::microseconds(step.tat + interval - span - now);
  }
  step.verdict.resetAfter = std::chrono::microseconds(step.tat - now);
  return step;
}

}  // namespace monti::kv
