#include "auth/AuthService.hpp"

#include "auth/Roles.hpp"
#include "auth/TokenAuthenticator.hpp"

#include <monti/config/ConfigError.hpp>
#include <monti/http/Errors.hpp>

namespace monti::auth {
namespace {

constexpr std::size_t kMaxLoginLength = 255;
constexpr std::size_t kMaxPasswordLength = 1024;

std::string requiredString(const nlohmann::json& body, const char* field, std::size_t maxLength) {
  const auto it = body.find(field);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw http::BadRequest::field(field, "is required");
  }
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > maxLength) throw http::BadRequest::field(field, "is too long");
  return value;
}

const nlohmann::json& objectBody(const http::Request& request) {
  if (!request.json().is_object()) throw http::BadRequest("the body must be a JSON object");
  return request.json();
}

AuditEntry entryFor(const http::Request& request, std::string action) {
  AuditEntry e;
  e.action = std::move(action);
  e.ip = request.remoteAddress();
  e.correlationId = request.correlationId();
  return e;
}

}  // namespace

void requireAcceptablePassword(const std::string& password, const std::string& field) {
  if (password.size() < 8) throw http::BadRequest::field(field, "must have at least 8 characters");
  if (password.size() > kMaxPasswordLength) throw http::BadRequest::field(field, "is too long");
}

nlohmann::json AuthService::tokensFor(const Account& account, std::string refreshToken) const {
  return {{"accessToken", s_.tokens.issueAccess(account)},
          {"refreshToken", std::move(refreshToken)},
          {"expiresIn", s_.tokens.accessLifetime().count()},
          {"user", account.toJson()}};
}

void AuthService::emit(const std::string& name, const Account& account, const http::Request& request) {
  if (s_.events == nullptr) return;
  // Its own transaction: the login itself already committed, and an outbox hiccup must not undo it.
  try {
    auto& db = s_.accounts.database();
    auto tx = db.begin();
    s_.events->emit(*tx, name,
                    {{"userId", account.id}, {"username", account.username}, {"ip", request.remoteAddress()}},
                    {.tenant = account.tenant, .aggregate = "user:" + std::to_string(account.id)});
    tx->commit();
  } catch (const std::exception&) {
    // Best effort; the audit log has the login either way.
  }
}

nlohmann::json AuthService::login(const http::Request& request) {
  const auto& body = objectBody(request);
  const bool byEmail = !body.contains("username") && body.contains("email");
  const auto login = requiredString(body, byEmail ? "email" : "username", kMaxLoginLength);
  const auto password = requiredString(body, "password", kMaxPasswordLength);
  const auto& ip = request.remoteAddress();

  auto account = s_.accounts.findByLogin(login);
  // Throttle the account, not the name typed: username and email (in any case) share one budget.
  const std::string throttleKey = account ? "user:" + std::to_string(account->id) : "name:" + login;
  if (auto wait = s_.throttle.blocked(throttleKey, ip)) {
    auto e = entryFor(request, "login.throttled");
    e.target = login;
    if (account) e.tenant = account->tenant;
    s_.audit.record(e);
    throw http::TooManyRequests("too many failed logins; try again later", *wait);
  }
  bool valid = false;
  if (account) {
    valid = s_.hasher.verify(password, account->passwordHash);
  } else {
    s_.hasher.dummyVerify(password);  // unknown user and wrong password take the same time
  }
  if (!valid || !account->active) {
    s_.throttle.recordFailure(throttleKey, ip);
    auto e = entryFor(request, "login.failed");
    e.target = login;
    if (account) e.tenant = account->tenant;
    s_.audit.record(e);
    throw http::Unauthorized("invalid username or password");
  }
  if (s_.hasher.needsRehash(account->passwordHash)) {
    s_.accounts.updatePasswordHash(account->id, s_.hasher.hash(password));
  }
  auto tx = s_.accounts.database().begin();
  const auto refreshToken = s_.tokens.startFamily(*tx, account->id);
  tx->exec("UPDATE users SET last_login_at = now() WHERE id = $1", {account->id});
  tx->commit();
  account = s_.accounts.findById(account->id);
  auto e = entryFor(request, "login.succeeded");
  e.tenant = account->tenant;
  e.actor = "user:" + std::to_string(account->id);
  s_.audit.record(e);
  emit("auth.login", *account, request);
  return tokensFor(*account, refreshToken);
}

nlohmann::json AuthService::refresh(const http::Request& request) {
  const auto token = requiredString(objectBody(request), "refreshToken", 256);
  auto outcome = s_.tokens.rotate(token);
  if (const auto* failure = std::get_if<RefreshFailure>(&outcome)) {
    if (*failure == RefreshFailure::reused) s_.audit.record(entryFor(request, "token.reuse_detected"));
    throw http::Unauthorized("invalid refresh token");
  }
  const auto& rotation = std::get<Rotation>(outcome);
  auto account = s_.accounts.findById(rotation.userId);
  if (!account || !account->active) throw http::Unauthorized("invalid refresh token");
  return tokensFor(*account, rotation.refreshToken);
}

void AuthService::logout(const http::Request& request) {
  const auto* user = request.user();
  const auto& body = request.json();
  if (body.is_object() && body.contains("refreshToken")) {
    s_.tokens.revokeFamily(requiredString(body, "refreshToken", 256));
  }
  const auto authorization = request.header("Authorization");
  if (authorization && authorization->size() > 7) {
    auto verified = s_.tokens.verifier().verify(authorization->substr(7));
    if (verified) {
      const auto id = accessTokenId(verified.value());
      s_.tokens.revokeAccess(id.jti, id.expiresAt);
      s_.revoked.add(id.jti, id.expiresAt);
      s_.bus.publish(
          kRevokedChannel,
          nlohmann::json{
              {"jti", id.jti},
              {"exp", std::chrono::duration_cast<std::chrono::seconds>(id.expiresAt.time_since_epoch()).count()}}
              .dump());
    }
  }
  auto e = entryFor(request, "logout");
  if (user != nullptr) {
    e.tenant = user->tenant;
    e.actor = "user:" + user->id;
  }
  s_.audit.record(e);
  if (user != nullptr && user->id.find(':') == std::string::npos) {
    if (auto account = s_.accounts.findById(std::stoll(user->id))) emit("auth.logout", *account, request);
  }
}

nlohmann::json AuthService::me(const http::Request& request) {
  const auto* user = request.user();
  if (user->id.find(':') != std::string::npos) {  // an API key or an external identity: no users row
    return {{"user",
             {{"id", user->id},
              {"username", user->username},
              {"role", user->role},
              {"tenant", user->tenant},
              {"departments", user->departments},
              {"locations", user->locations}}},
            {"permissions", user->permissions}};
  }
  auto account = s_.accounts.findById(std::stoll(user->id));
  if (!account || !account->active) throw http::Unauthorized("the account no longer exists");
  return {{"user", account->toJson()}, {"permissions", permissionsFor(account->role)}};
}

bool AuthService::bootstrapAdmin(const config::AuthConfig& config) {
  if (config.bootstrapUsername.empty() || s_.accounts.anyAdmin()) return false;
  if (config.bootstrapEmail.empty() || config.bootstrapPassword.size() < 8) {
    throw config::ConfigError(
        "config: MONTI_BOOTSTRAP_ADMIN_USERNAME is set: MONTI_BOOTSTRAP_ADMIN_EMAIL and a "
        "MONTI_BOOTSTRAP_ADMIN_PASSWORD "
        "of at least 8 characters are required too");
  }
  NewAccount admin;
  admin.username = config.bootstrapUsername;
  admin.email = config.bootstrapEmail;
  admin.passwordHash = s_.hasher.hash(config.bootstrapPassword);
  admin.role = "admin";
  s_.accounts.create(admin);
  return true;
}

}  // namespace monti::auth
