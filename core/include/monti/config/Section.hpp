#pragma once
/// A plugin's config section. Reading a key declares it: keys nobody declared stop start-up.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace monti::config {

struct KeyInfo {
  std::string_view help;      ///< one line for docs and `monti config check`
  std::string_view env = {};  ///< used instead of MONTI_<SECTION>_<KEY> (e.g. CACHE_TTL_AGENTS)
  bool secret = false;        ///< masked in `monti config check` and never logged
  /// For duration keys: what a bare number counts (the seeds use milliseconds, CACHE_TTL_* seconds).
  std::chrono::milliseconds bareNumberUnit{1};
};

/// Values come from the environment (MONTI_<SECTION>_<KEY>, or `env` when given), then the file, then the default.
/// Every getter throws monti::config::ConfigError naming the key when the value is invalid.
class Section {
 public:
  virtual ~Section() = default;
  virtual std::string string(std::string_view key, std::string_view fallback, const KeyInfo& info) = 0;
  virtual std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                               const KeyInfo& info) = 0;
  virtual bool boolean(std::string_view key, bool fallback, const KeyInfo& info) = 0;
  /// "250ms", "30s", "5m", "24h", "7d", or a bare number of `info.bareNumberUnit` (default milliseconds).
  virtual std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback,
                                             const KeyInfo& info) = 0;
  /// A comma-separated list; blanks around items are dropped.
  virtual std::vector<std::string> list(std::string_view key, std::string_view fallback, const KeyInfo& info) = 0;
};

}  // namespace monti::config
