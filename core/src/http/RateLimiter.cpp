#include "http/RateLimiter.hpp"

#include "kv/KeyValue.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <string>

namespace monti::http {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 5> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE"};

std::string_view trim(std::string_view text) {
  const auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && isSpace(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back()))
    text.remove_suffix(1);
  return text;
}

// A positive decimal integer that fits an int, or -1.
int parsePositive(std::string_view digits) {
  int value = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  return ec == std::errc() && ptr == end && value > 0 ? value : -1;
}

std::chrono::milliseconds parseWindow(std::string_view text) {
  std::size_t unitAt = 0;
  while (unitAt < text.size() && std::isdigit(static_cast<unsigned char>(text[unitAt])) != 0)
    ++unitAt;
  const int amount = parsePositive(text.substr(0, unitAt));
  const std::string_view unit = text.substr(unitAt);
  constexpr std::int64_t kMaxMillis = std::chrono::milliseconds(std::chrono::hours(24 * 7)).count();
  std::int64_t scale = 0;
  if (unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (amount <= 0 || scale == 0 || amount * scale > kMaxMillis) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(amount * scale);
}

// "/api/..." is an alias the pipeline serves as "/api/v1/..."; the router knows only the latter.
std::string canonicalPattern(std::string_view pattern) {
  if (pattern == "/api/v1" || pattern.starts_with("/api/v1/")) return std::string(pattern);
  if (pattern == "/api" || pattern.starts_with("/api/")) return "/api/v1" + std::string(pattern.substr(4));
  return std::string(pattern);
}

std::string routeKey(std::string_view method, std::string_view pattern) {
  std::string key;
  key.reserve(method.size() + 1 + pattern.size());
  key.append(method).append(" ").append(pattern);
  return key;
}

void requireValid(const RateLimit& limit, std::string_view what) {
  if (limit.limit <= 0 || limit.window.count() <= 0) {
    throw std::invalid_argument("rate limits: " + std::string(what) + ": expected a positive count and window");
  }
}

std::chrono::seconds ceilSeconds(std::chrono::microseconds d) {
  return std::chrono::ceil<std::chrono::seconds>(std::max(d, std::chrono::microseconds(0)));
}

[[noreturn]] void badEntry(std::string_view entry, std::string_view expected) {
  throw std::invalid_argument("rate limits: \"" + std::string(entry) + "\": expected " + std::string(expected));
}

// One entry "METHOD /pattern=COUNT/WINDOW" into `table`.
void parseEntry(std::string_view entry, RateLimitTable& table) {
  const auto equals = entry.find('=');
  if (equals == std::string_view::npos) badEntry(entry, "METHOD /pattern=COUNT/WINDOW, e.g. POST /api/v1/agents=10/1m");
  const std::string_view route = trim(entry.substr(0, equals));
  const auto space = route.find(' ');
  if (space == std::string_view::npos) badEntry(entry, "a method and a pattern before '=', e.g. POST /api/v1/agents");
  const std::string_view method = route.substr(0, space);
  const std::string_view pattern = trim(route.substr(space + 1));
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    badEntry(entry, "the method to be GET, POST, PUT, PATCH or DELETE");
  }
  if (!pattern.starts_with('/') || pattern.find_first_of(" \t") != std::string_view::npos) {
    badEntry(entry, "a route pattern starting with '/', e.g. /api/v1/agents/:id");
  }
  RateLimit limit{};
  try {
    limit = parseRateLimit(trim(entry.substr(equals + 1)));
  } catch (const std::invalid_argument&) {
    badEntry(entry,
             "COUNT/WINDOW after '=' with a positive count and a window like 500ms, 60s, 1m or 1h (at most 168h)");
  }
  if (!table.emplace(routeKey(method, canonicalPattern(pattern)), limit).second) {
    badEntry(entry, "each route once; this one is already limited earlier in the list");
  }
}

}  // namespace

RateLimitTable seedRateLimits() {
  return {
      {"POST /api/v1/agents", {10, 1min}},
      {"PUT /api/v1/agents/:id", {30, 1min}},
      {"GET /api/v1/agents", {100, 1min}},
      {"PUT /api/v1/agents/bulk", {5, 5min}},
  };
}

RateLimit parseRateLimit(std::string_view text) {
  const auto slash = text.find('/');
  const int count = slash == std::string_view::npos ? -1 : parsePositive(trim(text.substr(0, slash)));
  const auto window = slash == std::string_view::npos ? 0ms : parseWindow(trim(text.substr(slash + 1)));
  if (count <= 0 || window.count() <= 0) {
    throw std::invalid_argument("rate limit \"" + std::string(text) +
                                "\": expected COUNT/WINDOW with a positive count and a window like 500ms, 60s, "
                                "1m or 1h (at most 168h)");
  }
  return {count, window};
}

RateLimitTable parseRateLimitOverrides(const std::string& text) {
  RateLimitTable table;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto end = rest.find_first_of(";\n");
    const std::string_view entry = trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!entry.empty()) parseEntry(entry, table);
  }
  return table;
}

RateLimiter::RateLimiter(kv::RateStore& store, obs::MetricsRegistry& metrics, obs::Logger& logger,
                         RateLimit defaultLimit, const RateLimitTable& overrides)
    : store_(store),
      metrics_(metrics),
      logger_(logger),
      storeErrors_(metrics.counter("monti_rate_limit_store_errors_total",
                                   "Rate-limit checks allowed without counting because the store failed")),
      default_(defaultLimit),
      limits_(seedRateLimits()) {
  requireValid(default_, "the default limit");
  for (const auto& [route, limit] : overrides) {
    requireValid(limit, route);
    limits_.insert_or_assign(route, limit);
  }
}

RateLimit RateLimiter::limitFor(std::string_view method, std::string_view routePattern) const {
  const auto it = limits_.find(routeKey(method, routePattern));
  return it == limits_.end() ? default_ : it->second;
}

RateDecision RateLimiter::check(std::string_view method, std::string_view routePattern, std::string_view identity) {
  const std::string route = routeKey(method, routePattern);
  const auto it = limits_.find(route);
  const RateLimit limit = it == limits_.end() ? default_ : it->second;
  kv::RateVerdict verdict;
  try {
    verdict = store_.take(route + "|" + std::string(identity), limit.limit, limit.window);
  } catch (const kv::Unavailable& e) {
    // Fail open. The limiter guards against abuse and overload, a counter outage is neither: refusing every
    // request (or every node serving 500s) while Redis is down would turn a cache outage into a full one.
    // The cost is that limits are not enforced for that time, which the metric and the log make visible.
    storeFailed(e);
    return {true, limit.limit, limit.limit, 0s, 0s};
  }
  if (storeDown_.load(std::memory_order_relaxed) && storeDown_.exchange(false)) {
    logger_.info("rate limit store is back: limits are enforced again");
  }
  if (!verdict.allowed) {
    metrics_.counter("monti_rate_limited_total", "Requests rejected by a rate limit", {{"route", route}}).inc();
  }
  return {verdict.allowed, limit.limit, verdict.remaining, ceilSeconds(verdict.resetAfter),
          verdict.allowed ? 0s : std::max(ceilSeconds(verdict.retryAfter), 1s)};
}

void RateLimiter::storeFailed(const std::exception& e) {
  storeErrors_.inc();
  if (!storeDown_.exchange(true)) {
    logger_.warn("rate limit store unavailable: allowing requests without limits until it is back",
                 {{"error", e.what()}});
  }
}

void applyRateHeaders(Response& response, const RateDecision& decision) {
  response.setHeader("RateLimit-Limit", std::to_string(decision.limit));
  response.setHeader("RateLimit-Remaining", std::to_string(decision.remaining));
  response.setHeader("RateLimit-Reset", std::to_string(decision.reset.count()));
  if (!decision.allowed) response.setHeader("Retry-After", std::to_string(decision.retryAfter.count()));
}

}  // namespace monti::http
