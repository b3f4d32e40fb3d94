#pragma once

#include "HttpClient.hpp"
#include "Options.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>

namespace monti::agentsim {

/// A failure that ends the run: printed as "agentsim: <message>", exit status 1.
class SimError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The tokens of one admin (one tenant). Shared by all worker threads; every member is thread-safe.
/// Access tokens are refreshed shortly before they expire; a 401 renews them at once. Refresh tokens
/// rotate and reuse revokes the family, so only one thread refreshes at a time.
class AdminSession {
 public:
  explicit AdminSession(AdminLogin login);

  /// Logs in. Throws SimError with the server's answer ("login as x failed: 401 invalid ...").
  void login(HttpClient& http);

  /// Sends an authorized request; on 401 renews the token once and sends it again.
  Reply call(HttpClient& http, std::string_view method, const std::string& path, const nlohmann::json* body = nullptr);

  const std::string& username() const { return login_.username; }
  /// The tenant and role from the login answer.
  std::string tenant() const;
  std::string role() const;

 private:
  std::string currentToken(HttpClient& http);
  void renew(HttpClient& http, const std::string& staleToken);
  void refreshLocked(HttpClient& http);
  void loginLocked(HttpClient& http);
  void adopt(const nlohmann::json& tokens);

  const AdminLogin login_;
  mutable std::mutex mutex_;  // guards everything below; held across a refresh so only one runs
  std::string accessToken_;
  std::string refreshToken_;
  std::chrono::steady_clock::time_point renewAt_;
  std::chrono::steady_clock::time_point lastRenewal_;  // of a renewal after a 401
  std::string tenant_;
  std::string role_;
};

}  // namespace monti::agentsim
