#pragma once
/// Accounts, logins and tokens for the auth integration tests: `monti migrate up` and `monti user create` run
/// as the real CLI, logins go through POST /api/v1/auth/login.

#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace monti::itest {

/// The JWT_SECRET the auth tests give their servers (HS256 needs at least 32 bytes).
inline const std::string kJwtSecret = "itest-jwt-secret-3b7f9c2e-long-enough-for-hs256";

/// exampleEnvironment() plus JWT_SECRET=kJwtSecret and the cheapest allowed password hashing (1000 PBKDF2
/// iterations), so that logins stay fast under sanitizers.
Environment authEnvironment(const std::string& databaseUrl, const std::string& podId = "itest-pod");

/// Runs monti with `args` and `env` to completion, with `input` on its standard input.
ExitResult runWithInput(const std::vector<std::string>& args, const Environment& env, const std::string& input,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// `monti migrate up`; throws with monti's output when it fails.
void migrateUp(const Environment& env);

/// What `monti user create` needs, and the password to log in with.
struct Account {
  std::string username;
  std::string email;
  std::string password;
  std::string role;
  std::string tenant = "default";
};

/// An account with a username no other test uses (`role` plus random hex), email <username>@example.test and a
/// random password.
Account makeAccount(const std::string& role, const std::string& tenant = "default");

/// Creates `account` with `monti user create` (password on stdin) and returns its id; throws when it fails.
std::int64_t createAccount(const Environment& env, const Account& account);

/// POST /api/v1/auth/login {"username": login, "password": password}.
HttpResponse login(int port, const std::string& login, const std::string& password);

/// What a successful login returned.
struct Session {
  std::string accessToken;
  std::string refreshToken;
  nlohmann::json user;
};

/// Logs `account` in; throws unless the server answers 200 with both tokens.
Session loginOk(int port, const Account& account);

/// {"Authorization", "Bearer <token>"}.
Headers bearer(const std::string& token);

/// One request with optional JSON body.
HttpResponse call(int port, const std::string& method, const std::string& target, const Headers& headers = {},
                  const std::optional<std::string>& body = std::nullopt);

/// Calls `condition` every `interval` until it returns true (true) or `timeout` passed (false).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(100));

/// The error "code" of an error body ("" when the body is not the error shape).
std::string errorCode(const HttpResponse& response);

}  // namespace monti::itest
