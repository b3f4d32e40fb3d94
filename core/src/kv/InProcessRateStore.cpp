#include "kv/InProcessRateStore.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace monti::kv {
namespace {

constexpr std::size_t kMinSweepAt = 1024;
constexpr std::int64_t kSweepEvery = std::chrono::microseconds(std::chrono::minutes(1)).count();

}  // namespace

InProcessRateStore::InProcessRateStore(std::size_t maxEntries, Clock clock)
    : maxEntries_(std::max<std::size_t>(maxEntries, 1)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      sweepAt_(std::min(kMinSweepAt, maxEntries_)) {}

RateVerdict InProcessRateStore::take(std::string_view key, int limit, std::chrono::milliseconds window) {
  const std::int64_t interval = gcraInterval(limit, window);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(clock_().time_since_epoch()).count();
  std::string name(key);
  const std::lock_guard lock(mutex_);
  if (now >= nextSweep_) sweep(now);
  auto it = tats_.find(name);
  if (it == tats_.end()) {
    if (tats_.size() >= sweepAt_) sweep(now);
    if (tats_.size() >= maxEntries_) evictClosestToFull();
    it = tats_.emplace(std::move(name), 0).first;
  }
  const GcraStep step = gcraStep(it->second, now, limit, interval);
  it->second = step.tat;
  return step.verdict;
}

std::size_t InProcessRateStore::size() const {
  const std::lock_guard lock(mutex_);
  return tats_.size();
}

void InProcessRateStore::sweep(std::int64_t now) {
  std::erase_if(tats_, [now](const auto& entry) { return entry.second <= now; });
  // Amortised: sweeps get rarer as live buckets grow, but never wait past the cap.
  sweepAt_ = std::clamp<std::size_t>(tats_.size() * 2, std::min(kMinSweepAt, maxEntries_), maxEntries_);
  nextSweep_ = now + kSweepEvery;
}

void InProcessRateStore::evictClosestToFull() {
  // Evict a tenth at once so a flood of new keys costs one O(n) pass per maxEntries/10 inserts.
  std::vector<std::pair<std::int64_t, const std::string*>> byTat;
  byTat.reserve(tats_.size());
  for (const auto& [key, tat] : tats_)
    byTat.emplace_back(tat, &key);
  const std::size_t count = std::max<std::size_t>(1, tats_.size() / 10);
  std::nth_element(byTat.begin(), byTat.begin() + static_cast<std::ptrdiff_t>(count - 1), byTat.end());
  std::vector<std::string> victims;
  victims.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    victims.push_back(*byTat[i].second);
  for (const auto& key : victims)
    tats_.erase(key);
}

}  // namespace monti::kv
