#include "cache/CacheMetrics.hpp"

#include <string>

namespace monti::cache {

CacheMetrics CacheMetrics::create(obs::MetricsRegistry& registry, std::string_view backend) {
  const obs::Labels labels{{"backend", std::string(backend)}};
  return CacheMetrics{registry.counter("monti_cache_hits_total", "Cache lookups that found a value", labels),
                      registry.counter("monti_cache_misses_total", "Cache lookups that found nothing", labels)};
}

}  // namespace monti::cache
