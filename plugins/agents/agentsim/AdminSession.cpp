#include "AdminSession.hpp"

#include <algorithm>

namespace monti::agentsim {
namespace {

// Renew when a fifth of the lifetime is left (at most a minute early): requests in flight never carry a
// token that expires on the way.
std::chrono::seconds renewMargin(std::chrono::seconds lifetime) {
  return std::min(std::chrono::seconds(60), lifetime / 5);
}

}  // namespace

AdminSession::AdminSession(AdminLogin login) : login_(std::move(login)) {}

std::string AdminSession::tenant() const {
  std::lock_guard lock(mutex_);
  return tenant_;
}

std::string AdminSession::role() const {
  std::lock_guard lock(mutex_);
  return role_;
}

void AdminSession::login(HttpClient& http) {
  std::lock_guard lock(mutex_);
  loginLocked(http);
}

void AdminSession::loginLocked(HttpClient& http) {
  const nlohmann::json body = {{"username", login_.username}, {"password", login_.password}};
  const Reply reply = http.send("POST", "/api/v1/auth/login", &body);
  if (reply.status == 0) throw SimError("cannot reach " + http.url().text + ": " + reply.networkError);
  if (!reply.ok()) throw SimError("login as " + login_.username + " failed: " + reply.describe());
  adopt(reply.json());
}

void AdminSession::refreshLocked(HttpClient& http) {
  const nlohmann::json body = {{"refreshToken", refreshToken_}};
  const Reply reply = http.send("POST", "/api/v1/auth/refresh", &body);
  if (reply.ok()) {
    adopt(reply.json());
    return;
  }
  if (reply.status == 0) throw SimError("cannot reach " + http.url().text + ": " + reply.networkError);
  loginLocked(http);  // the refresh token expired or was revoked: start a new family
}

void AdminSession::adopt(const nlohmann::json& tokens) {
  if (!tokens.is_object() || !tokens.contains("accessToken") || !tokens["accessToken"].is_string()) {
    throw SimError("login as " + login_.username + ": the answer has no accessToken");
  }
  accessToken_ = tokens["accessToken"].get<std::string>();
  refreshToken_ = tokens.value("refreshToken", std::string());
  const std::chrono::seconds lifetime(std::max<std::int64_t>(tokens.value("expiresIn", std::int64_t{900}), 10));
  renewAt_ = std::chrono::steady_clock::now() + lifetime - renewMargin(lifetime);
  if (tokens.contains("user") && tokens["user"].is_object()) {
    tenant_ = tokens["user"].value("tenant", std::string());
    role_ = tokens["user"].value("role", std::string());
  }
}

std::string AdminSession::currentToken(HttpClient& http) {
  std::lock_guard lock(mutex_);
  if (std::chrono::steady_clock::now() >= renewAt_ && !refreshToken_.empty()) {
    try {
      refreshLocked(http);
    } catch (const SimError&) {
      // The server is away or refuses; the old token may still work, and the request will tell.
    }
  }
  return accessToken_;
}

void AdminSession::renew(HttpClient& http, const std::string& staleToken) {
  std::lock_guard lock(mutex_);
  if (accessToken_ != staleToken) return;  // another thread renewed it meanwhile
  // At most one attempt every few seconds: a refused login must not turn every request into a login.
  const auto now = std::chrono::steady_clock::now();
  if (now - lastRenewal_ < std::chrono::seconds(5)) return;
  lastRenewal_ = now;
  if (refreshToken_.empty()) {
    loginLocked(http);
  } else {
    refreshLocked(http);
  }
}

Reply AdminSession::call(HttpClient& http, std::string_view method, const std::string& path,
                         const nlohmann::json* body) {
  const std::string token = currentToken(http);
  Reply reply = http.send(method, path, body, token);
  if (reply.status != 401) return reply;
  try {
    renew(http, token);
  } catch (const SimError&) {
    return reply;  // counted as a 401; the next request tries again
  }
  return http.send(method, path, body, currentToken(http));
}

}  // namespace monti::agentsim
