#include "sched/CronExpression.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace monti::sched {
namespace {

using namespace std::chrono;

system_clock::time_point at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

std::string parseError(const std::string& text) {
  try {
    CronExpression::parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CronExpression, EveryFifteenMinutesGoesToTheNextQuarter) {
  const auto cron = CronExpression::parse("*/15 * * * *");
  EXPECT_EQ(cron.next(at(2026, 11, 22, 10, 7, 30)), at(2026, 11, 22, 10, 15));
  EXPECT_EQ(cron.next(at(2026, 11, 22, 10, 50)), at(2026, 11, 22, 11, 0));
}

TEST(CronExpression, NextIsStrictlyAfterAMatchingMinute) {
  const auto cron = CronExpression::parse("*/15 * * * *");
  EXPECT_EQ(cron.next(at(2026, 11, 22, 10, 15)), at(2026, 11, 22, 10, 30));
}

TEST(CronExpression, DailyAtOneMinutePastMidnight) {
  const auto cron = CronExpression::parse("1 0 * * *");
  EXPECT_EQ(cron.next(at(2026, 11, 22, 10, 0)), at(2026, 11, 23, 0, 1));
  EXPECT_EQ(cron.next(at(2026, 11, 22, 0, 0)), at(2026, 11, 22, 0, 1));
}

TEST(CronExpression, WeekdayRangeSkipsTheWeekend) {
  const auto cron = CronExpression::parse("0 3 * * 1-5");
  EXPECT_EQ(cron.next(at(2026, 11, 20, 4, 0)), at(2026, 11, 23, 3, 0));  // Friday after 03:00 → Monday
  EXPECT_EQ(cron.next(at(2026, 11, 19, 4, 0)), at(2026, 11, 20, 3, 0));  // Thursday → Friday
}

TEST(CronExpression, SevenIsSundayToo) {
  const auto cron = CronExpression::parse("0 12 * * 7");
  EXPECT_EQ(cron.next(at(2026, 11, 18)), at(2026, 11, 22, 12, 0));
}

TEST(CronExpression, LeapDayWaitsForALeapYear) {
  const auto cron = CronExpression::parse("0 0 29 2 *");
  EXPECT_EQ(cron.next(at(2025, 3, 1)), at(2028, 2, 29));
}

TEST(CronExpression, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  const auto cron = CronExpression::parse("0 0 13 * 1");     // the 13th, or any Monday
  EXPECT_EQ(cron.next(at(2026, 11, 10)), at(2026, 11, 13));  // Friday the 13th comes first
  EXPECT_EQ(cron.next(at(2026, 11, 13)), at(2026, 11, 16));  // then Monday
}

TEST(CronExpression, RestrictedDayOfMonthAloneIgnoresWeekday) {
  const auto cron = CronExpression::parse("0 0 1 * *");
  EXPECT_EQ(cron.next(at(2026, 11, 10)), at(2026, 12, 1));
}

TEST(CronExpression, ListsAndRangeStepsAreSupported) {
  const auto list = CronExpression::parse("0,30 * * * *");
  EXPECT_EQ(list.next(at(2026, 1, 1, 5, 1)), at(2026, 1, 1, 5, 30));
  const auto steps = CronExpression::parse("10-40/15 * * * *");
  EXPECT_EQ(steps.next(at(2026, 1, 1, 5, 26)), at(2026, 1, 1, 5, 40));
  EXPECT_EQ(steps.next(at(2026, 1, 1, 5, 41)), at(2026, 1, 1, 6, 10));
}

TEST(CronExpression, MonthRestrictionSkipsToThatMonth) {
  const auto cron = CronExpression::parse("0 0 1 1 *");
  EXPECT_EQ(cron.next(at(2026, 6, 15)), at(2027, 1, 1));
}

TEST(CronExpression, ExtraBlanksBetweenFieldsAreAllowed) {
  EXPECT_EQ(CronExpression::parse("  1   0 * *  * ").next(at(2026, 1, 1, 5)), at(2026, 1, 2, 0, 1));
}

TEST(CronExpression, KeepsItsText) { EXPECT_EQ(CronExpression::parse("1 0 * * *").text(), "1 0 * * *"); }

TEST(CronExpression, ImpossibleDateNeverMatches) {
  const auto cron = CronExpression::parse("0 0 31 2 *");
  EXPECT_THROW((void)cron.next(at(2026, 1, 1)), std::invalid_argument);
}

TEST(CronExpression, WrongFieldCountIsRejected) {
  EXPECT_NE(parseError("* * * *").find("expected 5 fields"), std::string::npos);
  EXPECT_NE(parseError("* * * * * *").find("expected 5 fields"), std::string::npos);
  EXPECT_NE(parseError("").find("expected 5 fields"), std::string::npos);
}

TEST(CronExpression, MinuteOutOfRangeNamesTheField) {
  EXPECT_EQ(parseError("60 * * * *"), "cron minute: \"60\" is outside 0..59");
}

TEST(CronExpression, HourOutOfRangeNamesTheField) {
  EXPECT_EQ(parseError("0 24 * * *"), "cron hour: \"24\" is outside 0..23");
}

TEST(CronExpression, DayOfMonthOutOfRangeNamesTheField) {
  EXPECT_EQ(parseError("0 0 0 * *"), "cron day-of-month: \"0\" is outside 1..31");
}

TEST(CronExpression, MonthOutOfRangeNamesTheField) {
  EXPECT_EQ(parseError("0 0 * 13 *"), "cron month: \"13\" is outside 1..12");
}

TEST(CronExpression, DayOfWeekOutOfRangeNamesTheField) {
  EXPECT_EQ(parseError("0 0 * * 8"), "cron day-of-week: \"8\" is outside 0..7");
}

TEST(CronExpression, NonNumberNamesTheField) {
  EXPECT_EQ(parseError("0 x * * *"), "cron hour: \"x\" is not a number");
  EXPECT_EQ(parseError("0 0 * * mon"), "cron day-of-week: \"mon\" is not a number");
}

TEST(CronExpression, ZeroStepIsRejected) {
  EXPECT_EQ(parseError("*/0 * * * *"), "cron minute: step must be at least 1");
}

TEST(CronExpression, ReversedRangeIsRejected) {
  EXPECT_EQ(parseError("0 0 * * 5-1"), "cron day-of-week: \"5-1\" is outside 0..7");
}

TEST(CronExpression, EmptyListItemIsRejected) {
  EXPECT_EQ(parseError("1,,2 * * * *"), "cron minute: \"\" is not a number");
}

}  // namespace
}  // namespace monti::sched
