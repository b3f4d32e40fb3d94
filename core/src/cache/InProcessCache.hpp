#pragma once
/// The cache of a single node without Redis.

#include "cache/CacheMetrics.hpp"
#include "cache/SingleFlight.hpp"

#include <monti/cache/Cache.hpp>
#include <monti/obs/Metrics.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace monti::cache {

/// An in-memory cache with TTLs, tags and prefix deletes, holding at most `maxEntries` values: storing one
/// more evicts the least recently used. Expired values are dropped when met (or evicted first as they age
/// out of use). Counts hits and misses with backend="memory". Thread-safe (one mutex; no I/O under it).
class InProcessCache final : public Cache {
 public:
  InProcessCache(std::size_t maxEntries, obs::MetricsRegistry& metrics);

  std::optional<std::string> get(std::string_view key) override;
  /// A ttl <= 0 stores nothing and drops any previous value.
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
           const std::vector<std::string>& tags = {}) override;
  void deleteKey(std::string_view key) override;
  void deletePrefix(std::string_view prefix) override;
  void deleteTag(std::string_view tag) override;
  std::string getOrCompute(std::string_view key, std::chrono::milliseconds ttl,
                           const std::function<std::string()>& compute,
                           const std::vector<std::string>& tags = {}) override;

  /// Values held, including expired ones not yet dropped.
  std::size_t size() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string value;
    Clock::time_point expiresAt;
    std::vector<std::string> tags;
    std::list<const std::string*>::iterator recency;  // position in recency_; points at the map's key
  };
  using Entries = std::map<std::string, Entry, std::less<>>;

  std::optional<std::string> lookup(std::string_view key);  // no metrics; takes the lock
  void erase(Entries::iterator it);                         // lock held

  const std::size_t maxEntries_;
  CacheMetrics metrics_;
  SingleFlight flights_;

  mutable std::mutex mutex_;
  Entries entries_;                                                   // ordered, so a prefix is one range
  std::list<const std::string*> recency_;                             // most recently used first
  std::map<std::string, std::set<std::string>, std::less<>> tagged_;  // tag -> keys stored with it
};

}  // namespace monti::cache
