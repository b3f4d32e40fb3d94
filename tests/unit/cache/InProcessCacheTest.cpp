#include "cache/InProcessCache.hpp"

#include "obs/PrometheusRegistry.hpp"

#include <gtest/gtest.h>

namespace monti::cache {
namespace {

using namespace std::chrono_literals;

TEST(InProcessCache, EvictsTheLeastRecentlyUsedBeyondMaxEntries) {
  obs::PrometheusRegistry metrics;
  InProcessCache cache(3, metrics);
  cache.set("a", "1", 10s);
  cache.set("b", "2", 10s);
  cache.set("c", "3", 10s);
  cache.get("a");  // now b is the least recently used
  cache.set("d", "4", 10s);
  EXPECT_EQ(cache.size(), 3U);
  EXPECT_EQ(cache.get("b"), std::nullopt);
  EXPECT_EQ(cache.get("a"), "1");
  EXPECT_EQ(cache.get("c"), "3");
  EXPECT_EQ(cache.get("d"), "4");
}

TEST(InProcessCache, NeverHoldsMoreThanMaxEntries) {
  obs::PrometheusRegistry metrics;
  InProcessCache cache(10, metrics);
  for (int i = 0; i < 100; ++i)
    cache.set("k" + std::to_string(i), "v", 10s, {"tag"});
  EXPECT_EQ(cache.size(), 10U);
  cache.deleteTag("tag");  // evicted keys left the tag index too
  EXPECT_EQ(cache.size(), 0U);
}

TEST(InProcessCache, ReplacingAValueDropsItsOldTags) {
  obs::PrometheusRegistry metrics;
  InProcessCache cache(10, metrics);
  cache.set("k", "1", 10s, {"old"});
  cache.set("k", "2", 10s, {"new"});
  cache.deleteTag("old");
  EXPECT_EQ(cache.get("k"), "2");
}

}  // namespace
}  // namespace monti::cache
