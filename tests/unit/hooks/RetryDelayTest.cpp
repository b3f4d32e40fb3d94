#include "hooks/RetryDelay.hpp"

#include <gtest/gtest.h>

namespace monti::hooks {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<seconds> kSchedule{seconds(10), seconds(60), seconds(300)};

TEST(RetryDelay, FollowsTheScheduleAndStaysOnItsLastEntry) {
  EXPECT_EQ(retryDelay(kSchedule, 1, 0.5), milliseconds(10'000));
  EXPECT_EQ(retryDelay(kSchedule, 2, 0.5), milliseconds(60'000));
  EXPECT_EQ(retryDelay(kSchedule, 3, 0.5), milliseconds(300'000));
  EXPECT_EQ(retryDelay(kSchedule, 9, 0.5), milliseconds(300'000));
}

TEST(RetryDelay, SpreadsByAtMostAFifthEitherWay) {
  EXPECT_EQ(retryDelay(kSchedule, 1, 0.0), milliseconds(8'000));
  EXPECT_EQ(retryDelay(kSchedule, 1, 1.0), milliseconds(12'000));
  for (int i = 0; i < 200; ++i) {
    const auto delay = retryDelay(kSchedule, 2);
    EXPECT_GE(delay, milliseconds(48'000));
    EXPECT_LE(delay, milliseconds(72'000));
  }
}

TEST(RetryDelay, AnEmptyScheduleOrANonsenseAttemptStillWaits) {
  EXPECT_EQ(retryDelay({}, 1, 0.5), milliseconds(10'000));
  EXPECT_EQ(retryDelay(kSchedule, 0, 0.5), milliseconds(10'000));
}

}  // namespace
}  // namespace monti::hooks
