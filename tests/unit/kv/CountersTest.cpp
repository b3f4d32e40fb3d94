#include "KvTestSupport.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace monti::kvtest {
namespace {

class CountersTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    counters_ = backend().counters();
  }
  kv::Counters& counters() { return *counters_; }

 private:
  std::unique_ptr<kv::Counters> counters_;
};

TEST_P(CountersTest, ReturnsTheRunningTotal) {
  EXPECT_EQ(counters().increment("hits", 1, 10s), 1);
  EXPECT_EQ(counters().increment("hits", 2, 10s), 3);
  EXPECT_EQ(counters().increment("hits", -1, 10s), 2);
}

TEST_P(CountersTest, KeysCountIndependently) {
  counters().increment("a", 5, 10s);
  EXPECT_EQ(counters().increment("b", 1, 10s), 1);
}

TEST_P(CountersTest, IncrementsAreAtomicAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kEach = 100;
  std::vector<std::vector<std::int64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        seen[t].push_back(counters().increment("shared", 1, 10s));
    });
  }
  for (auto& thread : threads)
    thread.join();
  std::set<std::int64_t> distinct;
  for (const auto& values : seen)
    distinct.insert(values.begin(), values.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kEach));  // no two callers saw the same total
  EXPECT_EQ(counters().increment("shared", 0, 10s), kThreads * kEach);
}

TEST_P(CountersTest, ANewKeyExpiresAfterItsTtl) {
  counters().increment("window", 5, 150ms);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(counters().increment("window", 1, 150ms), 1);
}

TEST_P(CountersTest, LaterIncrementsDoNotExtendTheTtl) {
  counters().increment("fixed", 1, 400ms);
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(counters().increment("fixed", 1, 400ms), 2);
  std::this_thread::sleep_for(300ms);  // 550 ms after the first increment: the window is over
  EXPECT_EQ(counters().increment("fixed", 1, 400ms), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CountersTest, ::testing::Values("memory", "redis"), backendName);

}  // namespace
}  // namespace monti::kvtest
