#pragma once

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

namespace monti::sched {

/// A 5-field cron expression (minute hour day-of-month month day-of-week) evaluated in UTC.
/// Fields take `*`, numbers, ranges `a-b`, lists `a,b` and steps `*/n` or `a-b/n`.
class CronExpression {
 public:
  /// Throws std::invalid_argument naming the bad field.
  static CronExpression parse(std::string_view text);

  /// The first whole minute strictly after `after` that matches.
  std::chrono::system_clock::time_point next(std::chrono::system_clock::time_point after) const;
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;
  std::bitset<13> months_;
  std::bitset<7> weekdays_;
  bool anyDay_ = true;
  bool anyWeekday_ = true;
};

}  // namespace monti::sched
