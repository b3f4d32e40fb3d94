#include "sched/Scheduler.hpp"

#include "../obs/MemoryFile.hpp"
#include "obs/IsoTime.hpp"
#include "obs/JsonLogger.hpp"
#include "obs/PrometheusRegistry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace monti::sched {
namespace {

using namespace std::chrono_literals;
using Clock = Scheduler::Clock;

plugin::JobDecl intervalJob(std::string name, std::chrono::milliseconds period, Job job) {
  return plugin::JobDecl{std::move(name), period, std::nullopt, std::move(job), "test"};
}

Clock::time_point at(std::int64_t epochMs) { return Clock::time_point(std::chrono::milliseconds(epochMs)); }

TEST(SchedulerTicks, IntervalTicksAreAlignedToTheEpoch) {
  const auto job = intervalJob("j", 5s, [] {});
  EXPECT_EQ(Scheduler::nextTick(job, at(12'000)), at(15'000));
  EXPECT_EQ(Scheduler::nextTick(job, at(15'000)), at(20'000));  // strictly after
  EXPECT_EQ(Scheduler::nextTick(job, at(14'999)), at(15'000));
}

TEST(SchedulerTicks, CronTicksFollowTheExpression) {
  const plugin::JobDecl job{"c", std::nullopt, CronExpression::parse("30 2 * * *"), [] {}, "test"};
  // 1970-01-01T00:00Z → the same day at 02:30.
  EXPECT_EQ(Scheduler::nextTick(job, at(0)), at(std::int64_t{2 * 60 + 30} * 60'000));
}

TEST(SchedulerTicks, IsoTimeHasMillisecondsAndZ) { EXPECT_EQ(obs::isoTime(at(1'500)), "1970-01-01T00:00:01.500Z"); }

class SchedulerRun : public ::testing::Test {
 protected:
  obs::testing::MemoryFile out_;
  obs::JsonLogger logger_{out_.file(), obs::LogLevel::debug, "node-a"};
  obs::PrometheusRegistry metrics_;
  plugin::Catalog catalog_;
};

TEST_F(SchedulerRun, WithoutADatabaseEveryTickRunsLocally) {
  std::atomic<int> runs{0};
  catalog_.jobs.push_back(intervalJob("count", 1s, [&runs] { ++runs; }));
  Scheduler scheduler(catalog_, nullptr, "node-a", 2, logger_, metrics_);
  scheduler.start();
  std::this_thread::sleep_for(2300ms);
  scheduler.stop();
  EXPECT_GE(runs.load(), 2);
  EXPECT_LE(runs.load(), 3);
}

TEST_F(SchedulerRun, AThrowingJobIsLoggedCountedAndRunsAgain) {
  std::atomic<int> runs{0};
  catalog_.jobs.push_back(intervalJob("boom", 1s, [&runs] {
    ++runs;
    throw std::runtime_error("job exploded");
  }));
  Scheduler scheduler(catalog_, nullptr, "node-a", 1, logger_, metrics_);
  scheduler.start();
  std::this_thread::sleep_for(2300ms);
  scheduler.stop();
  EXPECT_GE(runs.load(), 2);
  EXPECT_NE(out_.text().find("job exploded"), std::string::npos);
  EXPECT_NE(
      metrics_.render().find("monti_job_runs_total{job=\"boom\",outcome=\"error\"} " + std::to_string(runs.load())),
      std::string::npos)
      << metrics_.render();
  const auto described = scheduler.describe()["data"][0];
  EXPECT_EQ(described["lastRun"]["outcome"], "error");
  EXPECT_EQ(described["lastRun"]["error"], "job exploded");
}

TEST_F(SchedulerRun, ASlowJobSkipsTicksInsteadOfPilingUp) {
  std::atomic<int> concurrent{0};
  std::atomic<int> maxConcurrent{0};
  catalog_.jobs.push_back(intervalJob("slow", 1s, [&] {
    const int now = ++concurrent;
    maxConcurrent = std::max(maxConcurrent.load(), now);
    std::this_thread::sleep_for(1500ms);
    --concurrent;
  }));
  Scheduler scheduler(catalog_, nullptr, "node-a", 4, logger_, metrics_);
  scheduler.start();
  std::this_thread::sleep_for(3200ms);
  scheduler.stop();
  EXPECT_EQ(maxConcurrent.load(), 1);
  EXPECT_NE(out_.text().find("tick skipped"), std::string::npos);
}

TEST_F(SchedulerRun, DescribeListsScheduleOwnerAndNextRun) {
  catalog_.jobs.push_back(intervalJob("every", 60s, [] {}));
  catalog_.jobs.push_back(
      plugin::JobDecl{"nightly", std::nullopt, CronExpression::parse("1 0 * * *"), [] {}, "agents"});
  Scheduler scheduler(catalog_, nullptr, "node-a", 1, logger_, metrics_);
  const auto items = scheduler.describe()["data"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["schedule"], "every 60000ms");
  EXPECT_EQ(items[1]["schedule"], "cron 1 0 * * *");
  EXPECT_EQ(items[1]["owner"], "agents");
  EXPECT_TRUE(items[0]["lastRun"].is_null());
  EXPECT_EQ(items[1]["nextRunAt"].get<std::string>().substr(11), "00:01:00.000Z");
}

TEST_F(SchedulerRun, StopsPromptlyWhileWaitingForATick) {
  catalog_.jobs.push_back(intervalJob("rare", 3600s, [] {}));
  Scheduler scheduler(catalog_, nullptr, "node-a", 2, logger_, metrics_);
  scheduler.start();
  const auto begin = std::chrono::steady_clock::now();
  scheduler.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
}

}  // namespace
}  // namespace monti::sched
