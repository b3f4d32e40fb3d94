#pragma once

#include <monti/obs/Metrics.hpp>

#include <string_view>

namespace monti::cache {

/// monti_cache_hits_total and monti_cache_misses_total for one backend ("redis" or "memory").
struct CacheMetrics {
  obs::Counter& hits;
  obs::Counter& misses;

  static CacheMetrics create(obs::MetricsRegistry& registry, std::string_view backend);
  void count(bool hit) noexcept { (hit ? hits : misses).inc(); }
};

}  // namespace monti::cache
