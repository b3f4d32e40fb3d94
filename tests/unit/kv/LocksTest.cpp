#include "KvTestSupport.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace monti::kvtest {
namespace {

class LocksTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    locks_ = backend().locks();
  }
  kv::Locks& locks() { return *locks_; }

 private:
  std::unique_ptr<kv::Locks> locks_;
};

TEST_P(LocksTest, AFreeLockIsAcquiredWithAToken) {
  const auto token = locks().tryAcquire("job", 10s);
  ASSERT_TRUE(token.has_value());
  EXPECT_FALSE(token->empty());
}

TEST_P(LocksTest, AHeldLockCannotBeAcquiredAgain) {
  ASSERT_TRUE(locks().tryAcquire("job", 10s));
  EXPECT_FALSE(locks().tryAcquire("job", 10s));
}

TEST_P(LocksTest, DifferentNamesAreIndependent) {
  ASSERT_TRUE(locks().tryAcquire("a", 10s));
  EXPECT_TRUE(locks().tryAcquire("b", 10s));
}

TEST_P(LocksTest, ReleaseFreesTheLock) {
  const auto token = locks().tryAcquire("job", 10s);
  ASSERT_TRUE(token);
  locks().release("job", *token);
  EXPECT_TRUE(locks().tryAcquire("job", 10s));
}

TEST_P(LocksTest, AWrongTokenCannotRelease) {
  ASSERT_TRUE(locks().tryAcquire("job", 10s));
  locks().release("job", "not-the-token");
  EXPECT_FALSE(locks().tryAcquire("job", 10s));
}

TEST_P(LocksTest, AnExpiredLockIsFree) {
  ASSERT_TRUE(locks().tryAcquire("job", 100ms));
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(locks().tryAcquire("job", 10s));
}

TEST_P(LocksTest, AHolderWhoseLockExpiredCannotReleaseTheNextHolders) {
  const auto first = locks().tryAcquire("job", 100ms);
  ASSERT_TRUE(first);
  std::this_thread::sleep_for(300ms);
  const auto second = locks().tryAcquire("job", 10s);
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);
  locks().release("job", *first);
  EXPECT_FALSE(locks().tryAcquire("job", 10s));
}

TEST_P(LocksTest, ExactlyOneOfManyConcurrentCallersAcquires) {
  constexpr int kThreads = 8;
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      if (locks().tryAcquire("contended", 10s)) ++winners;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(winners, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, LocksTest, ::testing::Values("memory", "redis"), backendName);

}  // namespace
}  // namespace monti::kvtest
