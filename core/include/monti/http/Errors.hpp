#pragma once
/// Typed HTTP errors: thrown anywhere below a handler, turned into the one error shape at the edge.

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace monti::http {

/// One problem with one input field, listed in `error.details`.
struct FieldError {
  std::string field;
  std::string message;
};

/// An error a client can act on. `code` is a stable snake_case identifier, `message` is for people.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message, std::vector<FieldError> details = {});
  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const std::vector<FieldError>& details() const noexcept { return details_; }
  /// Seconds for a Retry-After header; 0 means none.
  std::chrono::seconds retryAfter() const noexcept { return retryAfter_; }
  HttpError& withRetryAfter(std::chrono::seconds s) noexcept {
    retryAfter_ = s;
    return *this;
  }
  /// What operators need to know (logged with the correlation id), never sent to the client.
  const std::string& logDetail() const noexcept { return logDetail_; }
  HttpError& withLogDetail(std::string detail) {
    logDetail_ = std::move(detail);
    return *this;
  }

 private:
  int status_;
  std::string code_;
  std::vector<FieldError> details_;
  std::chrono::seconds retryAfter_{0};
  std::string logDetail_;
};

/// 400. With details the code is `validation_failed`, otherwise `bad_request`.
class BadRequest : public HttpError {
 public:
  explicit BadRequest(const std::string& message, std::vector<FieldError> details = {});
  /// A single invalid field.
  static BadRequest field(const std::string& field, const std::string& message);
};

class Unauthorized : public HttpError {
 public:
  explicit Unauthorized(const std::string& message = "authentication required");
};

class Forbidden : public HttpError {
 public:
  explicit Forbidden(const std::string& message = "not allowed");
};

class NotFound : public HttpError {
 public:
  explicit NotFound(const std::string& message = "not found");
};

class Conflict : public HttpError {
 public:
  explicit Conflict(const std::string& message, std::vector<FieldError> details = {});
};

class Unprocessable : public HttpError {
 public:
  explicit Unprocessable(const std::string& message, std::vector<FieldError> details = {});
};

class TooManyRequests : public HttpError {
 public:
  TooManyRequests(const std::string& message, std::chrono::seconds retryAfter);
};

/// 503: a dependency is down or the server is saturated.
class ServiceUnavailable : public HttpError {
 public:
  explicit ServiceUnavailable(const std::string& message, std::chrono::seconds retryAfter = std::chrono::seconds{1},
                              std::string code = "service_unavailable");
};

}  // namespace monti::http
