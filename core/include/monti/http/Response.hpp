#pragma once
/// What a handler returns.

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace monti::http {

/// What a response hands the connection to instead of a body (the core's WebSocket and SSE endpoints):
/// the transport performs the handover after the pipeline has accepted the request.
class Takeover {
 public:
  virtual ~Takeover() = default;
};

/// A complete response. Cheap to move; headers are few, so a vector beats a map.
class Response {
 public:
  /// 200 (or `status`) with `body` serialised as application/json.
  static Response json(const nlohmann::json& body, int status = 200);
  /// A body that is already serialised JSON (e.g. from a cache): no tree is built.
  static Response rawJson(std::string body, int status = 200);
  static Response text(std::string body, std::string contentType, int status = 200);
  static Response noContent();

  int status() const noexcept { return status_; }
  const std::string& body() const noexcept { return body_; }
  const std::string& contentType() const noexcept { return contentType_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }

  Response& setStatus(int status) noexcept {
    status_ = status;
    return *this;
  }
  Response& setHeader(std::string name, std::string value);

  /// The connection leaves the HTTP server after this response's status line and headers.
  Response& setTakeover(std::shared_ptr<const Takeover> takeover) {
    takeover_ = std::move(takeover);
    return *this;
  }
  const std::shared_ptr<const Takeover>& takeover() const noexcept { return takeover_; }

 private:
  Response(int status, std::string body, std::string contentType);

  int status_;
  std::string body_;
  std::string contentType_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::shared_ptr<const Takeover> takeover_;
};

}  // namespace monti::http
