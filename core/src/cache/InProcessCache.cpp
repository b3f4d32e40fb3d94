#include "cache/InProcessCache.hpp"

#include <algorithm>
#include <utility>

namespace monti::cache {

InProcessCache::InProcessCache(std::size_t maxEntries, obs::MetricsRegistry& metrics)
    : maxEntries_(std::max<std::size_t>(maxEntries, 1)), metrics_(CacheMetrics::create(metrics, "memory")) {}

std::optional<std::string> InProcessCache::get(std::string_view key) {
  auto value = lookup(key);
  metrics_.count(value.has_value());
  return value;
}

std::optional<std::string> InProcessCache::lookup(std::string_view key) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expiresAt <= Clock::now()) {
    erase(it);
    return std::nullopt;
  }
  recency_.splice(recency_.begin(), recency_, it->second.recency);
  return it->second.value;
}

void InProcessCache::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
                         const std::vector<std::string>& tags) {
  const auto expiresAt = Clock::now() + ttl;
  const std::lock_guard lock(mutex_);
  if (auto old = entries_.find(key); old != entries_.end()) erase(old);
  if (ttl.count() <= 0) return;
  const auto it = entries_.emplace(std::string(key), Entry{std::string(value), expiresAt, tags, {}}).first;
  recency_.push_front(&it->first);
  it->second.recency = recency_.begin();
  for (const std::string& tag : tags)
    tagged_[tag].insert(it->first);
  while (entries_.size() > maxEntries_)
    erase(entries_.find(*recency_.back()));
}

void InProcessCache::deleteKey(std::string_view key) {
  const std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) erase(it);
}

void InProcessCache::deletePrefix(std::string_view prefix) {
  const std::lock_guard lock(mutex_);
  auto it = entries_.lower_bound(prefix);
  while (it != entries_.end() && std::string_view(it->first).starts_with(prefix))
    erase(it++);
}

void InProcessCache::deleteTag(std::string_view tag) {
  const std::lock_guard lock(mutex_);
  const auto tagIt = tagged_.find(tag);
  if (tagIt == tagged_.end()) return;
  // erase() edits tagged_, so work from a copy of the keys.
  const std::set<std::string> keys = tagIt->second;
  for (const std::string& key : keys) {
    if (auto it = entries_.find(key); it != entries_.end()) erase(it);
  }
  tagged_.erase(std::string(tag));
}

std::string InProcessCache::getOrCompute(std::string_view key, std::chrono::milliseconds ttl,
                                         const std::function<std::string()>& compute,
                                         const std::vector<std::string>& tags) {
  return flights_.getOrCompute(
      *this, [this](std::string_view k) { return lookup(k); }, key, ttl, compute, tags);
}

std::size_t InProcessCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

void InProcessCache::erase(Entries::iterator it) {
  for (const std::string& tag : it->second.tags) {
    if (auto tagIt = tagged_.find(tag); tagIt != tagged_.end()) {
      tagIt->second.erase(it->first);
      if (tagIt->second.empty()) tagged_.erase(tagIt);
    }
  }
  recency_.erase(it->second.recency);
  entries_.erase(it);
}

}  // namespace monti::cache
