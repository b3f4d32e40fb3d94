#pragma once
/// When a failed delivery is tried again.

#include <chrono>
#include <vector>

namespace monti::hooks {

/// The wait after failed attempt `failedAttempt` (1 for the first): the schedule's entry for it (its last
/// entry once past the end), spread by ±20% so deliveries that failed together do not retry together.
/// `unitRandom` is a number in [0, 1); 0.5 gives the schedule's exact value.
std::chrono::milliseconds retryDelay(const std::vector<std::chrono::seconds>& schedule, int failedAttempt,
                                     double unitRandom);

/// retryDelay with a thread-local random number.
std::chrono::milliseconds retryDelay(const std::vector<std::chrono::seconds>& schedule, int failedAttempt);

}  // namespace monti::hooks
