#pragma once
/// Timestamps as the API and the logs write them: ISO 8601 UTC with milliseconds and Z.

#include <chrono>
#include <string>

namespace monti::obs {

/// "2026-11-22T08:15:00.123Z".
std::string isoTime(std::chrono::system_clock::time_point t);

/// isoTime of now.
std::string isoTimestampNow();

}  // namespace monti::obs
