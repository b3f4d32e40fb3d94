#pragma once

#include <monti/obs/Metrics.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

namespace monti::obs {

/// Holds every instrument and renders them in the Prometheus text exposition format (0.0.4).
/// Creating instruments takes a lock; updating them does not.
class PrometheusRegistry final : public MetricsRegistry {
 public:
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {}) override;
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {}) override;
  Histogram& histogram(std::string_view name, std::string_view help, const std::vector<double>& buckets,
                       const Labels& labels = {}) override;

  /// The whole exposition, families sorted by name.
  std::string render() const;

 private:
  enum class Kind { counter, gauge, histogram };
  using Instrument = std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>;
  struct Family {
    Kind kind;
    std::string help;
    std::map<std::string, Instrument> series;  // key: rendered label set, e.g. {method="GET"}
  };

  Family& family(std::string_view name, std::string_view help, Kind kind);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

/// `{a="1",b="2"}` with Prometheus escaping; "" for no labels.
std::string renderLabels(const Labels& labels);

}  // namespace monti::obs
