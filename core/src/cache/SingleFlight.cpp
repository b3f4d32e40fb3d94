#include "cache/SingleFlight.hpp"

#include <exception>
#include <utility>

namespace monti::cache {

std::string SingleFlight::run(const std::string& key, const std::function<std::string()>& work) {
  std::promise<std::string> promise;
  {
    std::unique_lock lock(mutex_);
    if (auto it = inFlight_.find(key); it != inFlight_.end()) {
      const std::shared_future<std::string> running = it->second;
      lock.unlock();
      return running.get();  // rethrows the leader's exception
    }
    inFlight_.emplace(key, promise.get_future().share());
  }
  // We lead. Leave the map before publishing the result, so later callers start a fresh flight (and find
  // the stored value) instead of reusing a finished one.
  auto finish = [&] {
    const std::lock_guard lock(mutex_);
    inFlight_.erase(key);
  };
  try {
    std::string value = work();
    finish();
    promise.set_value(value);
    return value;
  } catch (...) {
    // Not swallowed: handed to every waiter and rethrown to our own caller.
    finish();
    promise.set_exception(std::current_exception());
    throw;
  }
}

std::string SingleFlight::getOrCompute(Cache& cache,
                                       const std::function<std::optional<std::string>(std::string_view)>& peek,
                                       std::string_view key, std::chrono::milliseconds ttl,
                                       const std::function<std::string()>& compute,
                                       const std::vector<std::string>& tags) {
  if (auto hit = cache.get(key)) return *std::move(hit);
  return run(std::string(key), [&] {
    if (auto stored = peek(key)) return *std::move(stored);
    std::string value = compute();
    cache.set(key, value, ttl, tags);
    return value;
  });
}

}  // namespace monti::cache
