#pragma once

#include "auth/Authenticator.hpp"
#include "config/CoreConfig.hpp"
#include "http/Cors.hpp"
#include "http/RateLimiter.hpp"
#include "http/Router.hpp"
#include "obs/JsonLogger.hpp"
#include "obs/PrometheusRegistry.hpp"

#include <monti/http/Errors.hpp>
#include <monti/http/Response.hpp>

#include <atomic>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace monti::http {

/// Where a request body comes from. The pipeline decides whether and how much to read.
class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Content-Length, or nullopt for a chunked body or none.
  virtual std::optional<std::int64_t> declaredLength() const = 0;
  virtual bool chunked() const = 0;
  /// Reads the whole body; nullopt as soon as it exceeds `maxBytes`.
  virtual std::optional<std::string> readAtMost(std::int64_t maxBytes) = 0;
};

/// A request as the transport received it, before routing.
struct IncomingRequest {
  std::string method;
  std::string uri;  ///< path and query as sent
  Request::Pairs headers;
  std::string remoteAddress;
  BodySource* body = nullptr;  ///< nullptr: no body
  bool secure = false;         ///< arrived over TLS
};

/// What the transport writes back.
struct Outcome {
  Response response;
  bool closeConnection = false;
  bool omitBody = false;  ///< HEAD
};

/// The request pipeline in DESIGN.md's order: correlation id → access log → CORS → body limits →
/// (rate limit) → auth → permission → handler, with errors turned into the one error shape.
/// Independent of Poco so that it can be tested without sockets. Called concurrently.
class HttpPipeline {
 public:
  /// `rateLimiter` may be null (no limits, e.g. in unit tests).
  HttpPipeline(const Router& router, const config::ServerConfig& server, const config::CorsConfig& cors,
               auth::Authenticator& authenticator, obs::JsonLogger& logger, obs::PrometheusRegistry& metrics,
               RateLimiter* rateLimiter = nullptr);

  Outcome handle(IncomingRequest& incoming);

  /// While draining, responses ask clients to close their connection.
  void setDraining(bool draining) noexcept { draining_.store(draining); }

  /// Called (on the worker thread) when an authenticated caller is refused a route for lack of permission.
  using DenialObserver = std::function<void(const auth::Principal& who, const Request& request, const Route& route)>;
  /// Set before serving; not thread-safe to change afterwards.
  void onDenied(DenialObserver observer) { onDenied_ = std::move(observer); }
  bool draining() const noexcept { return draining_.load(); }
  /// Routes (patterns) that also accept the access token as a `bearer.<token>` WebSocket subprotocol or a
  /// `?token=` query parameter, because browsers' WebSocket and EventSource cannot set headers.
  /// Set before serving.
  void acceptTokensOutsideHeaders(std::string pattern) { streamPatterns_.insert(std::move(pattern)); }
  std::int64_t inFlight() const noexcept { return inFlight_.value(); }

 private:
  struct Context;
  Response process(IncomingRequest& incoming, Context& ctx);
  Response errorResponse(const HttpError& error, const Context& ctx) const;
  void finish(Outcome& outcome, const Context& ctx, std::string_view origin);
  static void adoptStreamCredentials(Request::Pairs& headers, std::string_view rawQuery);
  void record(const Context& ctx, const Outcome& outcome, double seconds);

  obs::Counter& requestCounter(const std::string& route, const std::string& method, int status);
  obs::Histogram& durationHistogram(const std::string& route, const std::string& method);

  const Router& router_;
  config::ServerConfig server_;
  CorsPolicy cors_;
  auth::Authenticator& authenticator_;
  RateLimiter* rateLimiter_;
  obs::JsonLogger& logger_;
  obs::PrometheusRegistry& metrics_;
  obs::Gauge& inFlight_;
  std::atomic<bool> draining_{false};
  // Admission count: each request learns its own position from one atomic step, so two requests racing
  // past the limit cannot both read the other's increment and both be refused.
  std::atomic<std::int64_t> admitted_{0};
  DenialObserver onDenied_;
  std::set<std::string, std::less<>> streamPatterns_;

  std::shared_mutex cacheMutex_;  // instrument lookups are cached: the registry map takes a global lock
  std::unordered_map<std::string, obs::Counter*> counters_;
  std::unordered_map<std::string, obs::Histogram*> histograms_;
};

/// The error shape of DESIGN.md as JSON text.
std::string errorBody(const HttpError& error, std::string_view correlationId);
/// A new correlation id (UUID v4 text).
std::string newCorrelationId();
/// Accepts a client's X-Correlation-ID only when it is short and plain (no log injection).
bool acceptableCorrelationId(std::string_view id);

}  // namespace monti::http
