#include "http/HttpPipeline.hpp"

#include "http/PercentDecode.hpp"

#include "http/Headers.hpp"
#include "obs/IsoTime.hpp"
#include "obs/Redact.hpp"

#include <monti/http/Errors.hpp>

#include <array>
#include <chrono>
#include <random>

namespace monti::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxUriBytes = std::size_t{8} * 1024;
constexpr std::size_t kMaxHeaderBytes = std::size_t{64} * 1024;
constexpr std::string_view kApiPrefix = "/api";
constexpr std::string_view kCanonicalPrefix = "/api/v1";
constexpr std::string_view kSupportedVersions = "v1";

bool isJsonContentType(std::string_view type) {
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  std::string lower(type);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" ||
         (lower.rfind("application/", 0) == 0 && lower.size() > 5 && lower.compare(lower.size() - 5, 5, "+json") == 0);
}

HttpError unsupportedVersion(std::string_view asked) {
  return HttpError(400, "unsupported_version",
                   "API version \"" + std::string(asked) +
                       "\" is not supported; supported versions: " + std::string(kSupportedVersions),
                   {FieldError{"Accept-Version", "supported: " + std::string(kSupportedVersions)}});
}

// Maps /api/... to /api/v1/... honouring Accept-Version; other paths pass unchanged.
std::string canonicalPath(std::string_view path, const Request::Pairs& headers) {
  const bool api = path == kApiPrefix || path.rfind("/api/", 0) == 0;
  if (!api) return std::string(path);
  if (path == kCanonicalPrefix || path.rfind("/api/v1/", 0) == 0) return std::string(path);
  const std::string_view rest = path.substr(kApiPrefix.size());  // "" or "/..."
  // "/api/v2/..." names a version in the path: refuse it rather than treat "v2" as a resource.
  if (rest.size() > 2 && rest[1] == 'v' && std::isdigit(static_cast<unsigned char>(rest[2])) != 0) {
    const auto end = rest.find('/', 1);
    const auto segment = rest.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
    if (std::all_of(segment.begin() + 1, segment.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      throw unsupportedVersion(segment);
    }
  }
  if (const std::string* version = findHeader(headers, "Accept-Version"); version && *version != "v1") {
    throw unsupportedVersion(*version);
  }
  return std::string(kCanonicalPrefix) + std::string(rest);
}

// Clients choose the method; metric labels must stay a bounded set.
std::string metricMethod(const std::string& method) {
  static constexpr std::array<std::string_view, 7> kKnown{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  return std::find(kKnown.begin(), kKnown.end(), method) != kKnown.end() ? method : "other";
}

std::string joinMethods(std::vector<std::string> methods) {
  if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) methods.emplace_back("HEAD");
  methods.emplace_back("OPTIONS");
  std::string out;
  for (const auto& m : methods)
    out += (out.empty() ? "" : ", ") + m;
  return out;
}

}  // namespace

struct HttpPipeline::Context {
  Clock::time_point start = Clock::now();
  std::string correlationId;
  std::string method;
  std::string path;
  std::string routeLabel = "unmatched";
  std::string userId;
  bool closeConnection = false;
  bool bodyRead = false;
  bool overloaded = false;
  std::optional<RateDecision> rate;  // set once the route's limit was checked
};

HttpPipeline::HttpPipeline(const Router& router, const config::ServerConfig& server, const config::CorsConfig& cors,
                           auth::Authenticator& authenticator, obs::JsonLogger& logger,
                           obs::PrometheusRegistry& metrics, RateLimiter* rateLimiter)
    : router_(router),
      server_(server),
      cors_(cors),
      authenticator_(authenticator),
      rateLimiter_(rateLimiter),
      logger_(logger),
      metrics_(metrics),
      inFlight_(metrics.gauge("monti_http_requests_in_flight", "HTTP requests being handled now")) {}

Outcome HttpPipeline::handle(IncomingRequest& incoming) {
  Context ctx;
  const std::string* clientId = findHeader(incoming.headers, "X-Correlation-ID");
  ctx.correlationId = clientId && acceptableCorrelationId(*clientId) ? *clientId : newCorrelationId();
  ctx.method = metricMethod(incoming.method);
  inFlight_.inc();
  ctx.overloaded = admitted_.fetch_add(1) >= server_.maxConcurrentRequests;
  struct Leave {
    obs::Gauge& gauge;
    std::atomic<std::int64_t>& admitted;
    ~Leave() {
      gauge.dec();
      admitted.fetch_sub(1);
    }
  } leave{inFlight_, admitted_};

  // A copy: process() moves the headers into the Request, which is gone by the time finish() runs.
  const std::string* originHeader = findHeader(incoming.headers, "Origin");
  const std::string origin = originHeader ? *originHeader : std::string();
  const bool hasBody = incoming.body && (incoming.body->chunked() || incoming.body->declaredLength().value_or(0) > 0);
  Outcome outcome{Response::noContent()};
  outcome.omitBody = incoming.method == "HEAD";
  try {
    outcome.response = process(incoming, ctx);
  } catch (const HttpError& e) {
    if (!e.logDetail().empty()) {
      logger_.warn("request failed", {{"correlationId", ctx.correlationId},
                                      {"route", ctx.routeLabel},
                                      {"status", e.status()},
                                      {"error", obs::redactSecrets(e.logDetail())}});
    }
    outcome.response = errorResponse(e, ctx);
  } catch (const std::exception& e) {
    logger_.error(
        "unhandled exception",
        {{"correlationId", ctx.correlationId}, {"route", ctx.routeLabel}, {"error", obs::redactSecrets(e.what())}});
    outcome.response = errorResponse(HttpError(500, "internal_error", "internal error"), ctx);
  }
  // A body nobody read must not be parsed as the next request on this connection.
  if (hasBody && !ctx.bodyRead) ctx.closeConnection = true;
  finish(outcome, ctx, origin);
  if (incoming.secure && server_.hsts) {
    outcome.response.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
  record(ctx, outcome, std::chrono::duration<double>(Clock::now() - ctx.start).count());
  return outcome;
}

Response HttpPipeline::process(IncomingRequest& incoming, Context& ctx) {
  if (incoming.uri.size() > kMaxUriBytes) throw HttpError(414, "uri_too_long", "the URI is longer than 8 KiB");
  std::size_t headerBytes = 0;
  for (const auto& [name, value] : incoming.headers)
    headerBytes += name.size() + value.size() + 4;  // ": " CRLF
  if (headerBytes > kMaxHeaderBytes) {
    throw HttpError(431, "headers_too_large", "the request headers are larger than 64 KiB");
  }
  const auto queryAt = incoming.uri.find('?');
  const std::string_view rawPath = std::string_view(incoming.uri).substr(0, queryAt);
  const std::string rawQuery = queryAt == std::string::npos ? std::string() : incoming.uri.substr(queryAt + 1);
  if (rawPath.empty() || rawPath.front() != '/') throw BadRequest("the request target must be an absolute path");
  ctx.path = canonicalPath(rawPath, incoming.headers);

  const bool head = incoming.method == "HEAD";
  const std::string method = head ? std::string("GET") : incoming.method;
  RouteMatch match = router_.match(method, ctx.path);
  if (match.route) ctx.routeLabel = match.route->pattern;

  // CORS preflight, and OPTIONS in general, are answered from the route table alone.
  if (incoming.method == "OPTIONS") {
    auto any = router_.match("", ctx.path);
    if (!any.pathExists() && !match.pathExists()) throw NotFound("no route for " + std::string(rawPath));
    std::vector<std::string> methods = any.allowedMethods;
    ctx.routeLabel = "OPTIONS";
    const std::string* origin = findHeader(incoming.headers, "Origin");
    if (origin && findHeader(incoming.headers, "Access-Control-Request-Method")) {
      const std::string* asked = findHeader(incoming.headers, "Access-Control-Request-Headers");
      return cors_.preflight(*origin, methods, asked ? std::optional<std::string_view>(*asked) : std::nullopt);
    }
    Response response = Response::noContent();
    response.setHeader("Allow", joinMethods(methods));
    return response;
  }

  if (ctx.overloaded) {
    throw ServiceUnavailable("the server is handling too many requests", std::chrono::seconds{1}, "overloaded");
  }
  if (!match.pathExists()) throw NotFound("no route for " + std::string(rawPath));
  if (!match.route) {
    HttpError error(405, "method_not_allowed", incoming.method + " is not allowed here");
    Response response = errorResponse(error, ctx);
    response.setHeader("Allow", joinMethods(match.allowedMethods));
    return response;
  }

  std::string body;
  if (incoming.body && (incoming.body->chunked() || incoming.body->declaredLength().value_or(0) > 0)) {
    const std::string* type = findHeader(incoming.headers, "Content-Type");
    if (!type || !isJsonContentType(*type)) {
      ctx.closeConnection = true;  // the unread body must not be parsed as the next request
      throw HttpError(415, "unsupported_media_type", "request bodies must be application/json");
    }
    if (incoming.body->declaredLength().value_or(0) > server_.maxBodyBytes) {
      ctx.closeConnection = true;
      throw HttpError(413, "payload_too_large",
                      "the body is larger than " + std::to_string(server_.maxBodyBytes) + " bytes");
    }
    auto read = incoming.body->readAtMost(server_.maxBodyBytes);
    if (!read) {
      ctx.closeConnection = true;
      throw HttpError(413, "payload_too_large",
                      "the body is larger than " + std::to_string(server_.maxBodyBytes) + " bytes");
    }
    body = std::move(*read);
    ctx.bodyRead = true;
  }
  if (Clock::now() - ctx.start > server_.requestTimeout) {
    ctx.closeConnection = true;
    throw HttpError(408, "request_timeout", "the request was not received before its deadline");
  }

  if (streamPatterns_.contains(match.route->pattern)) adoptStreamCredentials(incoming.headers, rawQuery);
  Request request(method, ctx.path, rawQuery, std::move(incoming.headers), std::move(body), incoming.remoteAddress,
                  ctx.correlationId, ctx.start + server_.requestTimeout);
  if (!request.body().empty()) {
    auto parsed = nlohmann::json::parse(request.body(), nullptr, false);
    if (parsed.is_discarded()) throw BadRequest("the body is not valid JSON", {FieldError{"body", "malformed JSON"}});
    request.setJson(std::move(parsed));
  }
  request.setParams(std::move(match.params));

  const Route& route = *match.route;
  // Authentication comes before the rate limit (DESIGN.md has it after): limits count per user, and an
  // unverified token must not be able to spend another user's budget.
  auto principal = authenticator_.authenticate(request);
  if (principal) ctx.userId = principal->id;
  if (rateLimiter_ != nullptr) {
    const auto identity = principal ? "user:" + principal->id : "ip:" + request.remoteAddress();
    ctx.rate = rateLimiter_->check(route.method, route.pattern, identity);
    if (!ctx.rate->allowed) throw TooManyRequests("too many requests; slow down", ctx.rate->retryAfter);
  }
  if (route.permission != kPublic) {
    if (!principal) throw Unauthorized();
    if (route.permission != kAuthenticated && !principal->has(route.permission)) {
      if (onDenied_) onDenied_(*principal, request, route);
      throw Forbidden("this needs the " + route.permission + " permission");
    }
  }
  if (principal) request.setUser(std::move(*principal));
  return route.handler(request);
}

void HttpPipeline::adoptStreamCredentials(Request::Pairs& headers, std::string_view rawQuery) {
  if (findHeader(headers, "Authorization") || findHeader(headers, "X-API-Key")) return;
  // A browser's WebSocket cannot set headers: the token comes as a "bearer.<token>" subprotocol …
  if (const std::string* protocols = findHeader(headers, "Sec-WebSocket-Protocol")) {
    std::string_view rest(*protocols);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
      if (item.starts_with("bearer.")) {
        headers.emplace_back("Authorization", "Bearer " + std::string(item.substr(7)));
        return;
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  // … or, as seed 001 §3.1 has it, in the query string (EventSource cannot set headers either).
  std::string_view query(rawQuery);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.starts_with("token=")) {
      if (auto token = percentDecode(pair.substr(6), true); token && !token->empty()) {
        headers.emplace_back("Authorization", "Bearer " + *token);
      }
      return;
    }
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
}

Response HttpPipeline::errorResponse(const HttpError& error, const Context& ctx) const {
  Response response = Response::rawJson(errorBody(error, ctx.correlationId), error.status());
  if (error.retryAfter().count() > 0) response.setHeader("Retry-After", std::to_string(error.retryAfter().count()));
  return response;
}

void HttpPipeline::finish(Outcome& outcome, const Context& ctx, std::string_view origin) {
  Response& r = outcome.response;
  r.setHeader("X-Correlation-ID", ctx.correlationId);
  r.setHeader("X-Content-Type-Options", "nosniff");
  r.setHeader("X-Frame-Options", "DENY");
  r.setHeader("Referrer-Policy", "no-referrer");
  if (ctx.rate) applyRateHeaders(r, *ctx.rate);
  if (!origin.empty()) cors_.decorate(r, origin);
  outcome.closeConnection = ctx.closeConnection || draining();
}

void HttpPipeline::record(const Context& ctx, const Outcome& outcome, double seconds) {
  const int status = outcome.response.status();
  requestCounter(ctx.routeLabel, ctx.method, status).inc();
  durationHistogram(ctx.routeLabel, ctx.method).observe(seconds);
  if (!logger_.enabled(obs::LogLevel::info)) return;
  std::string line;
  line.reserve(320);
  line += "{\"ts\":\"" + obs::isoTimestampNow() + "\",\"level\":\"info\",\"msg\":\"request\",\"pod\":";
  obs::appendJsonString(line, logger_.podId());
  line += ",\"method\":";
  obs::appendJsonString(line, ctx.method);
  line += ",\"route\":";
  obs::appendJsonString(line, ctx.routeLabel);
  line += ",\"path\":";
  obs::appendJsonString(line, ctx.path);
  line += ",\"status\":" + std::to_string(status);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", seconds * 1000);
  line += ",\"durationMs\":";
  line += duration;
  line += ",\"bytes\":" + std::to_string(outcome.omitBody ? 0 : outcome.response.body().size());
  line += ",\"correlationId\":";
  obs::appendJsonString(line, ctx.correlationId);
  line += ",\"userId\":";
  if (ctx.userId.empty())
    line += "null";
  else
    obs::appendJsonString(line, ctx.userId);
  line += '}';
  logger_.writeLine(line);
}

obs::Counter& HttpPipeline::requestCounter(const std::string& route, const std::string& method, int status) {
  const std::string key = route + '\n' + method + '\n' + std::to_string(status);
  {
    std::shared_lock lock(cacheMutex_);
    if (auto it = counters_.find(key); it != counters_.end()) return *it->second;
  }
  auto& counter = metrics_.counter("monti_http_requests_total", "HTTP requests by route, method and status",
                                   {{"route", route}, {"method", method}, {"status", std::to_string(status)}});
  std::unique_lock lock(cacheMutex_);
  counters_.emplace(key, &counter);
  return counter;
}

obs::Histogram& HttpPipeline::durationHistogram(const std::string& route, const std::string& method) {
  const std::string key = route + '\n' + method;
  {
    std::shared_lock lock(cacheMutex_);
    if (auto it = histograms_.find(key); it != histograms_.end()) return *it->second;
  }
  auto& histogram = metrics_.histogram("monti_http_request_duration_seconds", "HTTP request latency",
                                       obs::defaultLatencyBuckets(), {{"route", route}, {"method", method}});
  std::unique_lock lock(cacheMutex_);
  histograms_.emplace(key, &histogram);
  return histogram;
}

std::string errorBody(const HttpError& error, std::string_view correlationId) {
  nlohmann::json details = nlohmann::json::array();
  for (const auto& d : error.details())
    details.push_back({{"field", d.field}, {"message", d.message}});
  const nlohmann::json body = {{"error",
                                {{"code", error.code()},
                                 {"message", error.what()},
                                 {"details", std::move(details)},
                                 {"correlationId", correlationId}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string newCorrelationId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng();
  const std::uint64_t lo = rng();
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32u),
                static_cast<unsigned>((hi >> 16u) & 0xFFFFu), static_cast<unsigned>(hi & 0x0FFFu),
                static_cast<unsigned>(((lo >> 48u) & 0x3FFFu) | 0x8000u),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return out;
}

bool acceptableCorrelationId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
  });
}

}  // namespace monti::http
