#include <monti/http/Errors.hpp>
#include <monti/http/Request.hpp>

#include "http/Headers.hpp"
#include "http/PercentDecode.hpp"

namespace monti::http {

Request::Request(std::string method, std::string path, std::string rawQuery, Pairs headers, std::string body,
                 std::string remoteAddress, std::string correlationId, Clock::time_point deadline)
    : method_(std::move(method)),
      path_(std::move(path)),
      rawQuery_(std::move(rawQuery)),
      headers_(std::move(headers)),
      body_(std::move(body)),
      remoteAddress_(std::move(remoteAddress)),
      correlationId_(std::move(correlationId)),
      deadline_(deadline) {}

std::optional<std::string_view> Request::header(std::string_view name) const {
  const std::string* value = findHeader(headers_, name);
  return value ? std::optional<std::string_view>(*value) : std::nullopt;
}

std::optional<std::string> Request::query(std::string_view name) const {
  std::string_view rest = rawQuery_;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    const auto key = percentDecode(pair.substr(0, eq), true);
    if (key && *key == name) {
      if (eq == std::string_view::npos) return std::string();
      auto value = percentDecode(pair.substr(eq + 1), true);
      if (!value) throw BadRequest::field(std::string(name), "malformed percent-encoding");
      return value;
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

const std::string& Request::param(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return v;
  }
  throwNotFound();
}

void Request::throwNotFound() { throw NotFound(); }

void Request::checkDeadline() const {
  if (Clock::now() > deadline_) {
    throw ServiceUnavailable("the request took longer than its deadline", std::chrono::seconds{1}, "deadline_exceeded");
  }
}

}  // namespace monti::http
