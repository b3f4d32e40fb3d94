#include <monti/http/Errors.hpp>

namespace monti::http {

HttpError::HttpError(int status, std::string code, const std::string& message, std::vector<FieldError> details)
    : std::runtime_error(message), status_(status), code_(std::move(code)), details_(std::move(details)) {}

namespace {
// The code is read before `details` is moved: constructor argument evaluation order is unspecified.
HttpError makeBadRequest(const std::string& message, std::vector<FieldError> details) {
  std::string code = details.empty() ? "bad_request" : "validation_failed";
  return {400, std::move(code), message, std::move(details)};
}
}  // namespace

BadRequest::BadRequest(const std::string& message, std::vector<FieldError> details)
    : HttpError(makeBadRequest(message, std::move(details))) {}

BadRequest BadRequest::field(const std::string& field, const std::string& message) {
  return BadRequest("invalid " + field + ": " + message, {FieldError{field, message}});
}

Unauthorized::Unauthorized(const std::string& message) : HttpError(401, "unauthorized", message) {}
Forbidden::Forbidden(const std::string& message) : HttpError(403, "forbidden", message) {}
NotFound::NotFound(const std::string& message) : HttpError(404, "not_found", message) {}
Conflict::Conflict(const std::string& message, std::vector<FieldError> details)
    : HttpError(409, "conflict", message, std::move(details)) {}
Unprocessable::Unprocessable(const std::string& message, std::vector<FieldError> details)
    : HttpError(422, "unprocessable", message, std::move(details)) {}
TooManyRequests::TooManyRequests(const std::string& message, std::chrono::seconds retryAfter)
    : HttpError(429, "rate_limited", message) {
  withRetryAfter(retryAfter);
}
ServiceUnavailable::ServiceUnavailable(const std::string& message, std::chrono::seconds retryAfter, std::string code)
    : HttpError(503, std::move(code), message) {
  withRetryAfter(retryAfter);
}

}  // namespace monti::http
