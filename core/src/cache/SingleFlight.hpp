#pragma once
/// One computation per cold key on this node, shared by every Cache implementation.

#include <monti/cache/Cache.hpp>

#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace monti::cache {

/// Collapses concurrent computations of the same key into one: the first caller computes, the others wait
/// on a shared future and get its value or its exception. Thread-safe. A compute that calls back into the
/// same key deadlocks; compute other keys freely.
class SingleFlight {
 public:
  /// Runs `work` for `key` unless a run for `key` is already in flight; then waits for that run instead.
  std::string run(const std::string& key, const std::function<std::string()>& work);

  /// Cache::getOrCompute on top of `cache`: get, else one flight that looks again with `peek` (a get that
  /// counts no metrics: an earlier flight may have just stored the value), then computes and stores.
  std::string getOrCompute(Cache& cache, const std::function<std::optional<std::string>(std::string_view)>& peek,
                           std::string_view key, std::chrono::milliseconds ttl,
                           const std::function<std::string()>& compute, const std::vector<std::string>& tags);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_future<std::string>, std::less<>> inFlight_;
};

}  // namespace monti::cache
