#pragma once
/// The shared cache: Redis when configured, an in-process bounded cache otherwise.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monti::cache {

/// Cache aggregated results (stats, grouped views, list pages), not raw rows. Values are opaque strings
/// (typically serialised JSON). Thread-safe. A cache that cannot be reached behaves as a miss and a no-op
/// write: the cache never makes a request fail.
class Cache {
 public:
  virtual ~Cache() = default;
  virtual std::optional<std::string> get(std::string_view key) = 0;
  /// Stores `value` for `ttl`; `tags` let deleteTag() drop every key stored with that tag.
  virtual void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
                   const std::vector<std::string>& tags = {}) = 0;
  virtual void deleteKey(std::string_view key) = 0;
  virtual void deletePrefix(std::string_view prefix) = 0;
  virtual void deleteTag(std::string_view tag) = 0;
  /// The cached value, or `compute()` stored for `ttl`. Concurrent callers for the same cold key on this
  /// node wait for one computation (single flight). An exception from `compute` reaches every waiter
  /// and nothing is stored.
  virtual std::string getOrCompute(std::string_view key, std::chrono::milliseconds ttl,
                                   const std::function<std::string()>& compute,
                                   const std::vector<std::string>& tags = {}) = 0;
};

}  // namespace monti::cache
