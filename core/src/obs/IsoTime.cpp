#include "obs/IsoTime.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace monti::obs {

std::string isoTime(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 40> date{};
  const auto n = std::strftime(date.data(), date.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::array<char, 48> out{};
  const int written = std::snprintf(out.data(), out.size(), "%.*s.%03dZ", static_cast<int>(n), date.data(),
                                    static_cast<int>(ms % 1000));
  return {out.data(), static_cast<std::size_t>(written)};
}

std::string isoTimestampNow() { return isoTime(std::chrono::system_clock::now()); }

}  // namespace monti::obs
