#pragma once

#include "Options.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPClientSession;
}

namespace monti::agentsim {

/// What one request came back with. status 0 means no answer (connection refused, reset, timeout).
struct Reply {
  int status = 0;
  std::string body;
  std::string networkError;  // set when status is 0
  std::chrono::microseconds latency{0};
  int retryAfterSeconds = 0;  // from Retry-After on 429/503

  bool ok() const { return status >= 200 && status < 300; }
  /// The body as JSON; a discarded (is_discarded()) value when it is not JSON.
  nlohmann::json json() const;
  /// "401 invalid username or password", "400 validation failed (department: too short)" or
  /// "no answer: Connection refused", for one-line error messages.
  std::string describe() const;
};

/// One keep-alive HTTP/1.1 connection to the server. Not thread-safe: each thread owns one.
class HttpClient {
 public:
  explicit HttpClient(const ServerUrl& url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `method path` (path starts with /api/v1) with an optional JSON body and bearer token.
  /// Reconnects after a broken connection; a request that fails on a reused connection is sent once more.
  Reply send(std::string_view method, const std::string& path, const nlohmann::json* body = nullptr,
             const std::string& bearer = {});
  const ServerUrl& url() const { return url_; }

 private:
  Reply attempt(std::string_view method, const std::string& path, const std::string& payload, bool hasBody,
                const std::string& bearer);
  void reset();

  ServerUrl url_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  bool used_ = false;  // the connection already served a request (a failure may be a stale keep-alive)
};

/// Percent-encodes a query parameter value.
std::string urlEncode(std::string_view text);

}  // namespace monti::agentsim
