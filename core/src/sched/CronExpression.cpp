#include "sched/CronExpression.hpp"

#include <charconv>
#include <ctime>
#include <stdexcept>
#include <vector>

namespace monti::sched {
namespace {

int number(std::string_view s, std::string_view field) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
    throw std::invalid_argument("cron " + std::string(field) + ": \"" + std::string(s) + "\" is not a number");
  }
  return v;
}

// Fills `bits` (indices lo..hi) from one field; returns whether the field was '*'.
template <std::size_t N>
bool parseField(std::string_view text, int lo, int hi, std::bitset<N>& bits, std::string_view field) {
  bool star = false;
  while (true) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    int step = 1;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
      step = number(item.substr(slash + 1), field);
      if (step < 1) throw std::invalid_argument("cron " + std::string(field) + ": step must be at least 1");
      item = item.substr(0, slash);
    }
    int from = lo;
    int to = hi;
    if (item == "*") {
      star = step == 1;
    } else if (const auto dash = item.find('-'); dash != std::string_view::npos) {
      from = number(item.substr(0, dash), field);
      to = number(item.substr(dash + 1), field);
    } else {
      from = number(item, field);
      to = step > 1 ? hi : from;
    }
    if (from < lo || to > hi || from > to) {
      throw std::invalid_argument("cron " + std::string(field) + ": \"" + std::string(item) + "\" is outside " +
                                  std::to_string(lo) + ".." + std::to_string(hi));
    }
    for (int v = from; v <= to; v += step)
      bits.set(static_cast<std::size_t>(v));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return star;
}

}  // namespace

CronExpression CronExpression::parse(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      ++i;
    const auto start = i;
    while (i < text.size() && text[i] != ' ')
      ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5) {
    throw std::invalid_argument("cron \"" + std::string(text) +
                                "\": expected 5 fields (minute hour day month weekday)");
  }
  CronExpression c;
  c.text_ = std::string(text);
  parseField(fields[0], 0, 59, c.minutes_, "minute");
  parseField(fields[1], 0, 23, c.hours_, "hour");
  c.anyDay_ = parseField(fields[2], 1, 31, c.days_, "day-of-month");
  parseField(fields[3], 1, 12, c.months_, "month");
  std::bitset<8> weekdays;
  c.anyWeekday_ = parseField(fields[4], 0, 7, weekdays, "day-of-week");
  for (std::size_t d = 0; d < 7; ++d)
    c.weekdays_[d] = weekdays[d] || (d == 0 && weekdays[7]);  // 7 is Sunday too
  return c;
}

std::chrono::system_clock::time_point CronExpression::next(std::chrono::system_clock::time_point after) const {
  using namespace std::chrono;
  auto t = floor<minutes>(after) + minutes(1);
  // Five years bound the search: any satisfiable expression (Feb 29 included) matches within them, and the
  // bound keeps the time arithmetic far from overflow.
  const auto limit = t + days(5 * 366);
  while (t < limit) {
    const std::time_t tt = system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    const bool dayOk = anyDay_ && anyWeekday_ ? true
                       : anyDay_              ? weekdays_[static_cast<std::size_t>(tm.tm_wday)]
                       : anyWeekday_          ? days_[static_cast<std::size_t>(tm.tm_mday)]
                                              : days_[static_cast<std::size_t>(tm.tm_mday)] ||
                                           weekdays_[static_cast<std::size_t>(tm.tm_wday)];  // cron's OR rule
    if (!months_[static_cast<std::size_t>(tm.tm_mon) + 1] || !dayOk) {
      t = floor<days>(t) + days(1);
      continue;
    }
    if (!hours_[static_cast<std::size_t>(tm.tm_hour)]) {
      t = floor<hours>(t) + hours(1);
      continue;
    }
    if (minutes_[static_cast<std::size_t>(tm.tm_min)]) return t;
    t += minutes(1);
  }
  throw std::invalid_argument("cron \"" + text_ + "\" never matches");
}

}  // namespace monti::sched
