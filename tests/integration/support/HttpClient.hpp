#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace monti::itest {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// One HTTP response as the client saw it.
struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  /// The first header called `name` (case-insensitive).
  std::optional<std::string> header(const std::string& name) const;
  /// The body parsed as JSON; throws std::runtime_error naming the body when it is not JSON.
  nlohmann::json json() const;
};

/// A request for `send`: a body, when present, goes with `contentType` and a Content-Length.
struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;
  std::optional<std::string> body;
  std::string contentType = "application/json";
};

/// Sends one request on a new connection to 127.0.0.1:`port` (Poco's HTTPClientSession).
HttpResponse send(int port, const HttpRequest& request);
HttpResponse get(int port, const std::string& target, Headers headers = {});
HttpResponse postJson(int port, const std::string& target, const std::string& body, Headers headers = {});

/// Writes `bytes` verbatim on a new connection and reads one response (by Content-Length, or until the server
/// closes). For requests a well-behaved client library would refuse to send.
HttpResponse sendRaw(int port, const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// What a raw exchange returned, also when the server closed the connection without answering.
struct RawExchange {
  std::string received;
  bool closedByServer = false;
};
/// Stops after the first complete response unless `untilClosed`, then it reads until the server closes.
RawExchange exchangeRaw(int port, const std::string& bytes, std::chrono::milliseconds timeout,
                        bool untilClosed = false);

/// True when a TCP connection to 127.0.0.1:`port` is accepted.
bool canConnect(int port);

/// The value of the sample `series` (metric name with its exact label set, e.g. `up{job="x"}`) in Prometheus
/// text, or nullopt when the series is absent.
std::optional<double> metricValue(const std::string& prometheusText, const std::string& series);

}  // namespace monti::itest
