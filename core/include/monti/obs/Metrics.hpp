#pragma once
/// Prometheus metrics. Instruments are created once (at registration) and updated lock-free.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace monti::obs {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing count. Thread-safe.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down. Thread-safe.
class Gauge {
 public:
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(std::int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void dec(std::int64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

/// A distribution over fixed upper bounds (seconds for durations). Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upperBounds);
  void observe(double value) noexcept;
  const std::vector<double>& upperBounds() const noexcept { return bounds_; }
  /// Non-cumulative count of bucket i; index bounds.size() is the +Inf bucket.
  std::uint64_t bucketCount(std::size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sumNanos_{0};  // sum kept in fixed point: atomics on double need CAS loops
};

/// Default buckets for request durations in seconds (1 ms … 10 s).
std::vector<double> defaultLatencyBuckets();

/// Where instruments are created. The same name and labels return the same instrument.
class MetricsRegistry {
 public:
  virtual ~MetricsRegistry() = default;
  /// Throws std::invalid_argument on a malformed name or a name registered with another type.
  virtual Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {}) = 0;
  virtual Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {}) = 0;
  virtual Histogram& histogram(std::string_view name, std::string_view help, const std::vector<double>& buckets,
                               const Labels& labels = {}) = 0;
};

}  // namespace monti::obs
