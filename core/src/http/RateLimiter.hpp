#pragma once
/// Per-route, per-client rate limits (seed 001 §7.2, CONTRACT "Auth"): the decision and its headers.
/// The pipeline decides who the client is and which route matched; this file only counts and answers.

#include "kv/RateStore.hpp"

#include <monti/http/Response.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace monti::http {

/// `limit` requests per `window`.
struct RateLimit {
  int limit;
  std::chrono::milliseconds window;
};

/// The answer for one request, with what the RateLimit headers report.
struct RateDecision {
  bool allowed;
  int limit;
  int remaining;                    ///< requests left right now, after this one
  std::chrono::seconds reset;       ///< until the full quota is back (rounded up)
  std::chrono::seconds retryAfter;  ///< until the next request would be allowed (rounded up); 0 when allowed
};

/// Limits keyed by "METHOD /pattern", the pattern in the router's canonical form ("/api/v1/agents/:id").
using RateLimitTable = std::map<std::string, RateLimit, std::less<>>;

/// The limit of every route without one of its own: 300 per minute.
inline constexpr RateLimit kDefaultRateLimit{300, std::chrono::minutes(1)};

/// Seed 001 §7.2: creates 10/min, updates 30/min, list 100/min, bulk updates 5 per 5 min.
RateLimitTable seedRateLimits();

/// Parses "10/1m", "100/60s", "5/300000ms", "1000/1h". Throws std::invalid_argument naming the text.
RateLimit parseRateLimit(std::string_view text);

/// Parses config overrides: entries "METHOD /pattern=COUNT/WINDOW" separated by ';' or newlines, e.g.
/// "POST /api/v1/agents=10/1m; GET /api/v1/agents=100/60s". A pattern under the /api alias is stored
/// under /api/v1, where the router registers it. Throws std::invalid_argument naming the bad entry.
RateLimitTable parseRateLimitOverrides(const std::string& text);

/// Counts every request (rejected ones included) against the bucket of its route and client, in the store
/// the node was given: Redis, so that all nodes share one budget, or in-process on a single node.
/// Thread-safe; check() is called concurrently from worker threads.
class RateLimiter {
 public:
  /// Route limits are the seed's, then `overrides` on top; every other route gets `defaultLimit`.
  /// Throws std::invalid_argument on a limit or window that is not positive.
  RateLimiter(kv::RateStore& store, obs::MetricsRegistry& metrics, obs::Logger& logger,
              RateLimit defaultLimit = kDefaultRateLimit, const RateLimitTable& overrides = {});

  /// Counts this request of `identity` ("user:<id>", or "ip:<addr>" when anonymous) on the route that
  /// matched. Allows it when the store cannot be reached (see the .cpp for why). Throws std::runtime_error
  /// only on a store bug (an error reply other than an outage).
  RateDecision check(std::string_view method, std::string_view routePattern, std::string_view identity);

  /// The limit that applies to a route.
  RateLimit limitFor(std::string_view method, std::string_view routePattern) const;

 private:
  void storeFailed(const std::exception& e);

  kv::RateStore& store_;
  obs::MetricsRegistry& metrics_;
  obs::Logger& logger_;
  obs::Counter& storeErrors_;
  const RateLimit default_;
  RateLimitTable limits_;
  std::atomic<bool> storeDown_{false};  // whether the current outage was logged
};

/// Sets RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds) and, when rejected, Retry-After.
void applyRateHeaders(Response& response, const RateDecision& decision);

}  // namespace monti::http
