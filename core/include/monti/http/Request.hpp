#pragma once
/// What a handler sees of a request. Built by the core; handlers only read it.

#include <monti/auth/Principal.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace monti::http {

/// One request after routing, body limits and authentication. Not shared between threads.
class Request {
 public:
  using Clock = std::chrono::steady_clock;
  using Pairs = std::vector<std::pair<std::string, std::string>>;

  Request(std::string method, std::string path, std::string rawQuery, Pairs headers, std::string body,
          std::string remoteAddress, std::string correlationId, Clock::time_point deadline);

  const std::string& method() const noexcept { return method_; }
  /// The canonical path (`/api/...` aliases already rewritten to `/api/v1/...`), without the query.
  const std::string& path() const noexcept { return path_; }
  const std::string& remoteAddress() const noexcept { return remoteAddress_; }
  const std::string& correlationId() const noexcept { return correlationId_; }
  const std::string& body() const noexcept { return body_; }

  /// A header by case-insensitive name.
  std::optional<std::string_view> header(std::string_view name) const;
  /// A decoded query parameter (the first when repeated).
  std::optional<std::string> query(std::string_view name) const;
  /// A path parameter named in the route pattern (`:id`). Throws NotFound when absent.
  const std::string& param(std::string_view name) const;
  /// A numeric path parameter; a non-number is a 404 (no such resource), not a 400.
  template <typename Int>
  Int paramAs(std::string_view name) const;

  /// The parsed JSON body; an empty body is JSON null. The core already rejected malformed JSON.
  const nlohmann::json& json() const noexcept { return json_; }

  /// The authenticated caller, or nullptr for an anonymous request to a public route.
  const auth::Principal* user() const noexcept { return user_ ? &*user_ : nullptr; }

  Clock::time_point deadline() const noexcept { return deadline_; }
  /// Throws ServiceUnavailable (code deadline_exceeded) once the request deadline has passed.
  void checkDeadline() const;

  // Set by the core while the request passes the pipeline.
  void setParams(Pairs params) { params_ = std::move(params); }
  void setJson(nlohmann::json json) { json_ = std::move(json); }
  void setUser(auth::Principal user) { user_ = std::move(user); }

 private:
  [[noreturn]] static void throwNotFound();

  std::string method_;
  std::string path_;
  std::string rawQuery_;
  Pairs headers_;
  std::string body_;
  std::string remoteAddress_;
  std::string correlationId_;
  Clock::time_point deadline_;
  Pairs params_;
  nlohmann::json json_;
  std::optional<auth::Principal> user_;
};

template <typename Int>
Int Request::paramAs(std::string_view name) const {
  const std::string& raw = param(name);
  Int value{};
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (ec != std::errc{} || end != raw.data() + raw.size()) throwNotFound();
  return value;
}

}  // namespace monti::http
