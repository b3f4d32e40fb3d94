#include <monti/http/Response.hpp>

#include <nlohmann/json.hpp>

namespace monti::http {

Response::Response(int status, std::string body, std::string contentType)
    : status_(status), body_(std::move(body)), contentType_(std::move(contentType)) {}

Response Response::json(const nlohmann::json& body, int status) {
  return {status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json"};
}

Response Response::rawJson(std::string body, int status) { return {status, std::move(body), "application/json"}; }

Response Response::text(std::string body, std::string contentType, int status) {
  return {status, std::move(body), std::move(contentType)};
}

Response Response::noContent() { return {204, {}, {}}; }

Response& Response::setHeader(std::string name, std::string value) {
  for (auto& [n, v] : headers_) {
    if (n == name) {
      v = std::move(value);
      return *this;
    }
  }
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace monti::http
