#include "../kv/KvTestSupport.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

namespace monti::kvtest {
namespace {

class CacheTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    cache_ = backend().cache();
  }
  cache::Cache& cache() { return *cache_; }
  std::uint64_t metric(const char* name) {
    const obs::Labels labels{{"backend", GetParam() == "redis" ? "redis" : "memory"}};
    return backend().metrics.counter(name, "", labels).value();
  }

 private:
  std::unique_ptr<cache::Cache> cache_;
};

TEST_P(CacheTest, AStoredValueIsReturned) {
  EXPECT_EQ(cache().get("stats"), std::nullopt);
  cache().set("stats", R"({"open":3})", 10s);
  EXPECT_EQ(cache().get("stats"), R"({"open":3})");
}

TEST_P(CacheTest, SetReplacesTheValue) {
  cache().set("k", "1", 10s);
  cache().set("k", "2", 10s);
  EXPECT_EQ(cache().get("k"), "2");
}

TEST_P(CacheTest, AValueExpiresAfterItsTtl) {
  cache().set("short", "v", 100ms);
  cache().set("long", "v", 10s);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(cache().get("short"), std::nullopt);
  EXPECT_EQ(cache().get("long"), "v");
}

TEST_P(CacheTest, AZeroTtlStoresNothingAndDropsTheOldValue) {
  cache().set("k", "old", 10s);
  cache().set("k", "new", 0ms);
  EXPECT_EQ(cache().get("k"), std::nullopt);
}

TEST_P(CacheTest, DeleteKeyRemovesOnlyThatKey) {
  cache().set("a", "1", 10s);
  cache().set("b", "2", 10s);
  cache().deleteKey("a");
  EXPECT_EQ(cache().get("a"), std::nullopt);
  EXPECT_EQ(cache().get("b"), "2");
}

TEST_P(CacheTest, DeletePrefixRemovesKeysStartingWithIt) {
  cache().set("stats:a", "1", 10s);
  cache().set("stats:b", "2", 10s);
  cache().set("statsx", "3", 10s);
  cache().set("other:stats:a", "4", 10s);
  cache().deletePrefix("stats:");
  EXPECT_EQ(cache().get("stats:a"), std::nullopt);
  EXPECT_EQ(cache().get("stats:b"), std::nullopt);
  EXPECT_EQ(cache().get("statsx"), "3");
  EXPECT_EQ(cache().get("other:stats:a"), "4");
}

TEST_P(CacheTest, DeletePrefixTakesGlobCharactersLiterally) {
  for (const char* key : {"a*b:1", "a*b:2", "axb:1", "a?c:1", "abc:1", "a[1]:x", "a1:x", "a\\d", "ad"}) {
    cache().set(key, "v", 10s);
  }
  cache().deletePrefix("a*b:");
  cache().deletePrefix("a?c");
  cache().deletePrefix("a[1]");
  cache().deletePrefix("a\\");
  for (const char* gone : {"a*b:1", "a*b:2", "a?c:1", "a[1]:x", "a\\d"})
    EXPECT_EQ(cache().get(gone), std::nullopt) << gone;
  for (const char* kept : {"axb:1", "abc:1", "a1:x", "ad"})
    EXPECT_EQ(cache().get(kept), "v") << kept;
}

TEST_P(CacheTest, DeleteTagRemovesEveryKeyStoredWithIt) {
  cache().set("k1", "1", 10s, {"agents"});
  cache().set("k2", "2", 10s, {"agents", "tickets"});
  cache().set("k3", "3", 10s, {"tickets"});
  cache().set("k4", "4", 10s);
  cache().deleteTag("agents");
  EXPECT_EQ(cache().get("k1"), std::nullopt);
  EXPECT_EQ(cache().get("k2"), std::nullopt);
  EXPECT_EQ(cache().get("k3"), "3");
  EXPECT_EQ(cache().get("k4"), "4");
  cache().deleteTag("tickets");
  EXPECT_EQ(cache().get("k3"), std::nullopt);
}

TEST_P(CacheTest, ATagOutlivesNoneOfItsKeys) {
  cache().set("long", "1", 10s, {"t"});
  cache().set("short", "2", 50ms, {"t"});  // must not shorten the tag below the long key's ttl
  std::this_thread::sleep_for(200ms);
  cache().deleteTag("t");
  EXPECT_EQ(cache().get("long"), std::nullopt);
}

TEST_P(CacheTest, CountsHitsAndMisses) {
  const auto hits = metric("monti_cache_hits_total");
  const auto misses = metric("monti_cache_misses_total");
  cache().get("k");
  cache().set("k", "v", 10s);
  cache().get("k");
  cache().get("k");
  EXPECT_EQ(metric("monti_cache_hits_total") - hits, 2U);
  EXPECT_EQ(metric("monti_cache_misses_total") - misses, 1U);
}

TEST_P(CacheTest, GetOrComputeStoresTheComputedValue) {
  int computed = 0;
  auto compute = [&] {
    ++computed;
    return std::string("value");
  };
  EXPECT_EQ(cache().getOrCompute("k", 10s, compute), "value");
  EXPECT_EQ(cache().getOrCompute("k", 10s, compute), "value");
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(cache().get("k"), "value");
}

TEST_P(CacheTest, GetOrComputeStoresWithTags) {
  cache().getOrCompute("k", 10s, [] { return std::string("v"); }, {"t"});
  cache().deleteTag("t");
  EXPECT_EQ(cache().get("k"), std::nullopt);
}

TEST_P(CacheTest, ConcurrentCallersForAColdKeyComputeOnce) {
  constexpr int kThreads = 8;
  std::atomic<int> computed{0};
  std::latch start(kThreads);
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      results[static_cast<std::size_t>(t)] = cache().getOrCompute("cold", 10s, [&] {
        ++computed;
        std::this_thread::sleep_for(300ms);  // long enough for every caller to arrive
        return std::string("once");
      });
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(computed, 1);
  for (const auto& result : results)
    EXPECT_EQ(result, "once");
}

TEST_P(CacheTest, AComputeExceptionReachesEveryWaiterAndNothingIsStored) {
  constexpr int kThreads = 8;
  std::atomic<int> computed{0};
  std::atomic<int> failed{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      try {
        cache().getOrCompute("failing", 10s, [&]() -> std::string {
          ++computed;
          std::this_thread::sleep_for(300ms);
          throw std::runtime_error("database down");
        });
      } catch (const std::runtime_error& e) {
        if (std::string(e.what()) == "database down") ++failed;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(failed, kThreads);
  EXPECT_EQ(cache().get("failing"), std::nullopt);
  // The failure is not remembered: the next caller computes again.
  EXPECT_EQ(cache().getOrCompute("failing", 10s, [] { return std::string("recovered"); }), "recovered");
}

TEST_P(CacheTest, DifferentKeysComputeIndependently) {
  int computed = 0;
  cache().getOrCompute("a", 10s, [&] {
    ++computed;
    // A compute may use the cache for other keys (a nested flight) without deadlocking.
    return cache().getOrCompute("b", 10s, [&] {
      ++computed;
      return std::string("b");
    });
  });
  EXPECT_EQ(computed, 2);
  EXPECT_EQ(cache().get("a"), "b");
}

INSTANTIATE_TEST_SUITE_P(Backends, CacheTest, ::testing::Values("memory", "redis"), backendName);

}  // namespace
}  // namespace monti::kvtest
