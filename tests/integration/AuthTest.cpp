// Login, refresh, logout, /auth/me, failed-login throttling, the audit log and service API keys, against the real
// binary with a database of its own per test. Single-node tests run without Redis: their login counters are then
// in-process, so parallel tests (all calling from 127.0.0.1) cannot throttle each other.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace monti::itest {
namespace {

constexpr const char* kLogin = "/api/v1/auth/login";
constexpr const char* kRefresh = "/api/v1/auth/refresh";
constexpr const char* kLogout = "/api/v1/auth/logout";
constexpr const char* kMe = "/api/v1/auth/me";
constexpr const char* kApiKeys = "/api/v1/admin/api-keys";

// A database with Monti's schema, accounts made with the CLI and a server started on demand.
class Auth : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    env_ = authEnvironment(db().url());
    migrateUp(env_);
  }
  void TearDown() override {
    server_.reset();
    DatabaseTest::TearDown();
  }

  Account add(const std::string& role, const std::string& tenant = "default") {
    auto account = makeAccount(role, tenant);
    ids_[account.username] = createAccount(env_, account);
    return account;
  }
  Account add(Account account) {
    ids_[account.username] = createAccount(env_, account);
    return account;
  }
  std::int64_t idOf(const Account& account) { return ids_.at(account.username); }

  int start() {
    server_ = startServer(env_);
    return server_->port();
  }
  MontiProcess& server() { return *server_; }

  Environment env_;

 private:
  std::map<std::string, std::int64_t> ids_;
  std::unique_ptr<MontiProcess> server_;
};

HttpResponse refresh(int port, const std::string& token) {
  return postJson(port, kRefresh, nlohmann::json{{"refreshToken", token}}.dump());
}

HttpResponse me(int port, const std::string& accessToken) { return get(port, kMe, bearer(accessToken)); }

std::string errorMessage(const HttpResponse& response) {
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  return json.is_object() && json.contains("error") ? json["error"].value("message", "") : "";
}

// ----------------------------------------------------------------------------------------------------------------
// Login

TEST_F(Auth, LoginReturnsBothTokensTheLifetimeAndTheUserWithoutItsPasswordHash) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto response = login(port, viewer.username, viewer.password);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = response.json();
  const auto access = json.at("accessToken").get<std::string>();
  EXPECT_EQ(std::count(access.begin(), access.end(), '.'), 2) << access;
  EXPECT_FALSE(json.at("refreshToken").get<std::string>().empty());
  EXPECT_EQ(json.at("expiresIn").get<std::int64_t>(), 24 * 3600);  // JWT_EXPIRY's default, 1 day
  const auto& user = json.at("user");
  EXPECT_EQ(user.at("id").get<std::int64_t>(), idOf(viewer));
  EXPECT_EQ(user.at("username"), viewer.username);
  EXPECT_EQ(user.at("email"), viewer.email);
  EXPECT_EQ(user.at("role"), "viewer");
  EXPECT_EQ(user.at("tenant"), "default");
  EXPECT_EQ(response.body.find(viewer.password), std::string::npos);
  EXPECT_EQ(response.body.find("pbkdf2"), std::string::npos) << response.body;
  EXPECT_FALSE(user.contains("passwordHash"));
  EXPECT_FALSE(user.contains("password_hash"));
}

TEST_F(Auth, LoginAcceptsTheEmailInTheEmailOrTheUsernameField) {
  const auto cs = add("cs");
  const int port = start();
  const auto byEmailField =
      postJson(port, kLogin, nlohmann::json{{"email", cs.email}, {"password", cs.password}}.dump());
  ASSERT_EQ(byEmailField.status, 200) << byEmailField.body;
  EXPECT_EQ(byEmailField.json()["user"]["username"], cs.username);
  const auto byUsernameField = login(port, cs.email, cs.password);
  ASSERT_EQ(byUsernameField.status, 200) << byUsernameField.body;
  EXPECT_EQ(byUsernameField.json()["user"]["username"], cs.username);
}

TEST_F(Auth, UsernameAndEmailMatchCaseInsensitively) {
  auto mixed = makeAccount("viewer");
  mixed.username = "MiXeD_" + mixed.username;
  mixed.email = "MiXeD." + mixed.email;
  add(mixed);
  const int port = start();
  std::string upper = mixed.username;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string lowerEmail = mixed.email;
  std::transform(lowerEmail.begin(), lowerEmail.end(), lowerEmail.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const auto byUpper = login(port, upper, mixed.password);
  ASSERT_EQ(byUpper.status, 200) << byUpper.body;
  EXPECT_EQ(byUpper.json()["user"]["username"], mixed.username);
  const auto byLowerEmail = login(port, lowerEmail, mixed.password);
  EXPECT_EQ(byLowerEmail.status, 200) << byLowerEmail.body;
}

TEST_F(Auth, WrongPasswordAndUnknownUserGetTheSame401) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto wrongPassword = login(port, viewer.username, viewer.password + "x");
  const auto unknownUser = login(port, "nobody_" + viewer.username, viewer.password);
  ASSERT_EQ(wrongPassword.status, 401) << wrongPassword.body;
  ASSERT_EQ(unknownUser.status, 401) << unknownUser.body;
  EXPECT_EQ(errorCode(wrongPassword), "unauthorized");
  EXPECT_EQ(errorMessage(wrongPassword), errorMessage(unknownUser));
  EXPECT_FALSE(errorMessage(wrongPassword).empty());
  // Nothing in the answer says which part was wrong.
  for (const auto* word : {"unknown user", "no such user", "not found", "wrong password", "incorrect password"}) {
    EXPECT_EQ(wrongPassword.body.find(word), std::string::npos) << wrongPassword.body;
    EXPECT_EQ(unknownUser.body.find(word), std::string::npos) << unknownUser.body;
  }
}

TEST_F(Auth, DeactivatedAccountCannotLogIn) {
  const auto viewer = add("viewer");
  db().sql().query("UPDATE users SET is_active = false WHERE id = $1", {std::to_string(idOf(viewer))});
  const int port = start();
  const auto response = login(port, viewer.username, viewer.password);
  EXPECT_EQ(response.status, 401) << response.body;
  EXPECT_EQ(errorMessage(response), errorMessage(login(port, "nobody_" + viewer.username, viewer.password)));
}

TEST_F(Auth, LoginSetsLastLoginAt) {
  const auto viewer = add("viewer");
  const auto id = std::to_string(idOf(viewer));
  EXPECT_EQ(db().sql().scalar("SELECT coalesce(last_login_at::text, '') FROM users WHERE id = $1", {id}), "");
  const int port = start();
  const auto response = login(port, viewer.username, viewer.password);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM users WHERE id = $1 AND last_login_at > now() - interval '1 minute'",
                             {id}),
            1);
  EXPECT_TRUE(response.json()["user"]["lastLoginAt"].is_string()) << response.body;
}

TEST_F(Auth, LoginWorksUnderTheApiAlias) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto response = postJson(port, "/api/auth/login",
                                 nlohmann::json{{"username", viewer.username}, {"password", viewer.password}}.dump());
  ASSERT_EQ(response.status, 200) << response.body;
  const auto aliasMe = get(port, "/api/auth/me", bearer(response.json()["accessToken"].get<std::string>()));
  EXPECT_EQ(aliasMe.status, 200) << aliasMe.body;
}

// ----------------------------------------------------------------------------------------------------------------
// /auth/me

TEST_F(Auth, MeReturnsTheCallersAccountAndPermissions) {
  const auto cs = add("cs");
  const int port = start();
  const auto session = loginOk(port, cs);
  const auto response = me(port, session.accessToken);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = response.json();
  EXPECT_EQ(json["user"]["id"].get<std::int64_t>(), idOf(cs));
  EXPECT_EQ(json["user"]["username"], cs.username);
  EXPECT_EQ(json["user"]["role"], "cs");
  auto permissions = json.at("permissions").get<std::vector<std::string>>();
  std::sort(permissions.begin(), permissions.end());
  EXPECT_EQ(permissions, (std::vector<std::string>{"read:agents", "read:performance", "update:self", "update:status"}));
}

TEST_F(Auth, MeWithoutATokenIs401) {
  const int port = start();
  const auto response = get(port, kMe);
  EXPECT_EQ(response.status, 401) << response.body;
  EXPECT_EQ(errorCode(response), "unauthorized");
}

// ----------------------------------------------------------------------------------------------------------------
// Refresh

TEST_F(Auth, RefreshReturnsANewWorkingPair) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto session = loginOk(port, viewer);
  const auto response = refresh(port, session.refreshToken);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto json = response.json();
  const auto access = json.at("accessToken").get<std::string>();
  const auto next = json.at("refreshToken").get<std::string>();
  EXPECT_NE(next, session.refreshToken);
  EXPECT_NE(access, session.accessToken);
  EXPECT_EQ(json.at("user").at("username"), viewer.username);
  EXPECT_GT(json.at("expiresIn").get<std::int64_t>(), 0);
  EXPECT_EQ(me(port, access).status, 200);
  const auto again = refresh(port, next);
  EXPECT_EQ(again.status, 200) << again.body;
}

TEST_F(Auth, ReusedRefreshTokenIs401AndRevokesItsWholeFamily) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto session = loginOk(port, viewer);
  const auto rotated = refresh(port, session.refreshToken);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto successor = rotated.json().at("refreshToken").get<std::string>();

  const auto reused = refresh(port, session.refreshToken);
  EXPECT_EQ(reused.status, 401) << reused.body;
  // The thief may hold the successor; it has to die with the family.
  const auto afterReuse = refresh(port, successor);
  EXPECT_EQ(afterReuse.status, 401) << afterReuse.body;
  // Another login of the same user is another family and keeps working.
  const auto other = loginOk(port, viewer);
  EXPECT_EQ(refresh(port, other.refreshToken).status, 200);
}

TEST_F(Auth, UnknownRefreshTokenIs401) {
  const int port = start();
  const auto response = refresh(port, "not-a-refresh-token-0123456789");
  EXPECT_EQ(response.status, 401) << response.body;
}

TEST_F(Auth, AccessTokenIsNotARefreshToken) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto session = loginOk(port, viewer);
  EXPECT_NE(refresh(port, session.accessToken).status, 200);
}

// ----------------------------------------------------------------------------------------------------------------
// Logout

TEST_F(Auth, LogoutRevokesTheAccessTokenAndTheRefreshToken) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto session = loginOk(port, viewer);
  ASSERT_EQ(me(port, session.accessToken).status, 200);
  const auto out = postJson(port, kLogout, nlohmann::json{{"refreshToken", session.refreshToken}}.dump(),
                            bearer(session.accessToken));
  ASSERT_EQ(out.status, 204) << out.body;
  const auto afterwards = me(port, session.accessToken);
  EXPECT_EQ(afterwards.status, 401) << afterwards.body;
  EXPECT_NE(errorMessage(afterwards).find("revoked"), std::string::npos) << afterwards.body;
  EXPECT_EQ(refresh(port, session.refreshToken).status, 401);
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM revoked_tokens"), 1);
}

TEST_F(Auth, LogoutWithoutARefreshTokenStillRevokesTheAccessToken) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto session = loginOk(port, viewer);
  const auto out = postJson(port, kLogout, "{}", bearer(session.accessToken));
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(me(port, session.accessToken).status, 401);
}

TEST_F(Auth, LogoutLeavesTheUsersOtherSessionsWorking) {
  const auto viewer = add("viewer");
  const int port = start();
  const auto first = loginOk(port, viewer);
  const auto second = loginOk(port, viewer);
  ASSERT_EQ(
      postJson(port, kLogout, nlohmann::json{{"refreshToken", first.refreshToken}}.dump(), bearer(first.accessToken))
          .status,
      204);
  EXPECT_EQ(me(port, second.accessToken).status, 200);
  EXPECT_EQ(refresh(port, second.refreshToken).status, 200);
}

TEST_F(Auth, RevokedAccessTokenStaysRevokedAfterARestart) {
  const auto viewer = add("viewer");
  int port = start();
  const auto session = loginOk(port, viewer);
  ASSERT_EQ(postJson(port, kLogout, "{}", bearer(session.accessToken)).status, 204);
  port = start();  // same JWT_SECRET and database, fresh memory
  EXPECT_EQ(me(port, session.accessToken).status, 401);
}

// ----------------------------------------------------------------------------------------------------------------
// Throttling

TEST_F(Auth, FiveFailuresLockTheAccountEvenForTheRightPassword) {
  const auto viewer = add("viewer");
  const auto bystander = add("viewer");
  const int port = start();
  for (int i = 0; i < 5; ++i) {
    const auto failed = login(port, viewer.username, "wrong-password-" + std::to_string(i));
    ASSERT_EQ(failed.status, 401) << "attempt " << i << ": " << failed.body;
  }
  const auto locked = login(port, viewer.username, viewer.password);
  ASSERT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(errorCode(locked), "rate_limited");
  const auto retryAfter = locked.header("Retry-After");
  ASSERT_TRUE(retryAfter) << locked.body;
  EXPECT_GT(std::stol(*retryAfter), 0);
  EXPECT_LE(std::stol(*retryAfter), 15 * 60);
  // The lock is the account's, not the caller's.
  EXPECT_EQ(login(port, bystander.username, bystander.password).status, 200);
}

TEST_F(Auth, AccountLockHoldsWhateverLoginNameIsUsed) {
  const auto viewer = add("viewer");
  const int port = start();
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(login(port, viewer.username, "wrong-password").status, 401);
  // The same account by its email or in other letter case: still locked.
  const auto byEmail = login(port, viewer.email, viewer.password);
  EXPECT_EQ(byEmail.status, 429) << byEmail.body;
  std::string upper = viewer.username;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_EQ(login(port, upper, viewer.password).status, 429);
}

TEST_F(Auth, LockoutEndsAfterTheConfiguredTime) {
  env_["MONTI_AUTH_LOGIN_MAX_FAILURES"] = "2";
  env_["MONTI_AUTH_LOGIN_LOCKOUT"] = "2s";
  const auto viewer = add("viewer");
  const int port = start();
  ASSERT_EQ(login(port, viewer.username, "wrong-password").status, 401);
  ASSERT_EQ(login(port, viewer.username, "wrong-password").status, 401);
  ASSERT_EQ(login(port, viewer.username, viewer.password).status, 429);
  EXPECT_TRUE(eventually([&] { return login(port, viewer.username, viewer.password).status == 200; }, 15s, 500ms));
}

TEST_F(Auth, TwentyFailuresFromOneIpBlockThatIpForEveryAccount) {
  const auto viewer = add("viewer");
  const int port = start();
  // Twenty different (unknown) names: no account reaches its own limit.
  for (int i = 0; i < 20; ++i) {
    const auto failed = login(port, "ghost_" + std::to_string(i) + "_" + viewer.username, "wrong-password");
    ASSERT_EQ(failed.status, 401) << "attempt " << i << ": " << failed.body;
  }
  const auto blocked = login(port, viewer.username, viewer.password);
  ASSERT_EQ(blocked.status, 429) << blocked.body;
  const auto retryAfter = blocked.header("Retry-After");
  ASSERT_TRUE(retryAfter);
  EXPECT_GT(std::stol(*retryAfter), 0);
  EXPECT_LE(std::stol(*retryAfter), 60);
}

TEST_F(Auth, SuccessfulLoginsAreNotThrottled) {
  const auto viewer = add("viewer");
  const int port = start();
  for (int i = 0; i < 25; ++i)
    ASSERT_EQ(login(port, viewer.username, viewer.password).status, 200) << "login " << i;
}

// ----------------------------------------------------------------------------------------------------------------
// Audit log

TEST_F(Auth, LoginSuccessAndFailureAreInTheAuditLog) {
  const auto admin = add("admin");
  const auto viewer = add("viewer");
  const int port = start();
  const auto failed =
      postJson(port, kLogin, nlohmann::json{{"username", viewer.username}, {"password", "nope-nope"}}.dump(),
               {{"X-Correlation-ID", "audit-failed-1"}});
  ASSERT_EQ(failed.status, 401);
  const auto succeeded =
      postJson(port, kLogin, nlohmann::json{{"username", viewer.username}, {"password", viewer.password}}.dump(),
               {{"X-Correlation-ID", "audit-succeeded-1"}});
  ASSERT_EQ(succeeded.status, 200);
  const auto session = loginOk(port, admin);

  const auto audit = get(port, "/api/v1/admin/audit?limit=100", bearer(session.accessToken));
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto entries = audit.json().at("data");
  const auto find = [&](const std::string& correlationId) -> nlohmann::json {
    for (const auto& entry : entries) {
      if (entry.value("correlationId", nlohmann::json()) == correlationId) return entry;
    }
    return nullptr;
  };
  const auto failure = find("audit-failed-1");
  ASSERT_TRUE(failure.is_object()) << audit.body;
  EXPECT_EQ(failure.at("action"), "login.failed");
  EXPECT_EQ(failure.at("target"), viewer.username);
  EXPECT_EQ(failure.at("ip"), "127.0.0.1");
  EXPECT_EQ(audit.body.find("nope-nope"), std::string::npos);
  const auto success = find("audit-succeeded-1");
  ASSERT_TRUE(success.is_object()) << audit.body;
  EXPECT_EQ(success.at("action"), "login.succeeded");
  EXPECT_EQ(success.at("actor"), "user:" + std::to_string(idOf(viewer)));
  EXPECT_FALSE(success.at("at").get<std::string>().empty());
}

TEST_F(Auth, AuditLogIsPaginated) {
  const auto admin = add("admin");
  const int port = start();
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(login(port, admin.username, "wrong-password").status, 401);
  const auto session = loginOk(port, admin);
  const auto page = get(port, "/api/v1/admin/audit?page=2&limit=2", bearer(session.accessToken));
  ASSERT_EQ(page.status, 200) << page.body;
  const auto json = page.json();
  EXPECT_EQ(json["meta"]["page"], 2);
  EXPECT_EQ(json["meta"]["limit"], 2);
  EXPECT_EQ(json["meta"]["total"], 4);
  EXPECT_EQ(json["meta"]["totalPages"], 2);
  EXPECT_EQ(json["data"].size(), 2U);
  EXPECT_EQ(get(port, "/api/v1/admin/audit?limit=0", bearer(session.accessToken)).status, 400);
}

// ----------------------------------------------------------------------------------------------------------------
// Service API keys

class ApiKeys : public Auth {
 protected:
  void SetUp() override {
    Auth::SetUp();
    if (IsSkipped()) return;
    admin_ = add("admin");
    port_ = start();
    adminToken_ = loginOk(port_, admin_).accessToken;
  }

  // POST /admin/api-keys as the admin (or with `headers`); returns the whole response.
  HttpResponse create(const nlohmann::json& body, const Headers& headers = {}) {
    return postJson(port_, kApiKeys, body.dump(), headers.empty() ? bearer(adminToken_) : headers);
  }
  // A new key with `permissions`; throws unless 201.
  nlohmann::json createKey(const std::vector<std::string>& permissions, const std::string& name = "integration") {
    const auto response = create({{"name", name}, {"permissions", permissions}});
    if (response.status != 201)
      throw std::runtime_error("create key: " + std::to_string(response.status) + response.body);
    return response.json();
  }

  Account admin_;
  int port_ = 0;
  std::string adminToken_;
};

Headers apiKey(const std::string& key) { return {{"Authorization", "ApiKey " + key}}; }
Headers xApiKey(const std::string& key) { return {{"X-API-Key", key}}; }

std::string isoIn(std::chrono::seconds fromNow) {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + fromNow);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::ostringstream out;
  out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%SZ");
  return out.str();
}

TEST_F(ApiKeys, CreatedKeyIsShownOnceAndStoredOnlyHashed) {
  const auto created = createKey({"read:agents"}, "hook trigger");
  const auto key = created.at("key").get<std::string>();
  EXPECT_GE(key.size(), 32U);
  EXPECT_EQ(created.at("name"), "hook trigger");
  EXPECT_EQ(created.at("permissions"), nlohmann::json::array({"read:agents"}));
  EXPECT_TRUE(created.at("expiresAt").is_null());

  const auto list = get(port_, kApiKeys, bearer(adminToken_));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json().at("data").size(), 1U);
  EXPECT_EQ(list.json()["data"][0].at("id"), created.at("id"));
  EXPECT_EQ(list.body.find(key), std::string::npos) << "the key is shown once only";
  // Nothing stored in the row is the key.
  for (const auto& row : db().sql().query("SELECT t::text FROM api_keys t")) {
    ASSERT_TRUE(row[0]);
    EXPECT_EQ(row[0]->find(key), std::string::npos) << *row[0];
  }
}

TEST_F(ApiKeys, KeyAuthenticatesThroughBothHeaderFormsAsAService) {
  const auto key = createKey({"read:agents"}).at("key").get<std::string>();
  for (const auto& headers : {apiKey(key), xApiKey(key)}) {
    const auto response = get(port_, kMe, headers);
    ASSERT_EQ(response.status, 200) << headers[0].first << ": " << response.body;
    const auto json = response.json();
    EXPECT_EQ(json["user"]["role"], "service");
    EXPECT_EQ(json["user"]["tenant"], "default");
    EXPECT_EQ(json["permissions"], nlohmann::json::array({"read:agents"}));
  }
}

TEST_F(ApiKeys, KeyUseIsAudited) {
  const auto key = createKey({"read:agents"}, "audited key").at("key").get<std::string>();
  ASSERT_EQ(get(port_, kMe, apiKey(key)).status, 200);
  const auto audit = get(port_, "/api/v1/admin/audit?limit=100", bearer(adminToken_));
  ASSERT_EQ(audit.status, 200) << audit.body;
  bool found = false;
  const auto body = audit.json();  // kept alive: the loop iterates into it
  for (const auto& entry : body.at("data")) {
    found = found || (entry.at("action") == "api_key.used" && entry.at("details").value("name", "") == "audited key");
  }
  EXPECT_TRUE(found) << audit.body;
  EXPECT_EQ(audit.body.find(key), std::string::npos) << "the secret must not be audited";
}

TEST_F(ApiKeys, KeyCanDoOnlyWhatItWasGranted) {
  const auto reader = createKey({"read:agents"}).at("key").get<std::string>();
  const auto jobs = createKey({"admin:jobs"}).at("key").get<std::string>();
  const auto denied = get(port_, "/api/v1/admin/jobs", apiKey(reader));
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(errorCode(denied), "forbidden");
  EXPECT_EQ(get(port_, "/api/v1/admin/jobs", apiKey(jobs)).status, 200);
  EXPECT_EQ(get(port_, "/api/v1/admin/audit", xApiKey(jobs)).status, 403);
}

TEST_F(ApiKeys, RevokedKeyIsRefused) {
  const auto created = createKey({"read:agents"});
  const auto key = created.at("key").get<std::string>();
  ASSERT_EQ(get(port_, kMe, apiKey(key)).status, 200);  // now the node has it cached as valid
  const auto revoked = call(port_, "DELETE", std::string(kApiKeys) + "/" + std::to_string(created.at("id").get<int>()),
                            bearer(adminToken_));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  // Nodes may cache a key for up to 10 s.
  EXPECT_TRUE(eventually([&] { return get(port_, kMe, apiKey(key)).status == 401; }, 15s, 250ms));
  EXPECT_EQ(get(port_, kMe, xApiKey(key)).status, 401);
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), 1);
}

TEST_F(ApiKeys, KeyCannotGrantAPermissionItsCreatorLacks) {
  // A key that may manage keys but not read agents tries to make a key that reads agents.
  const auto manager = createKey({"admin:api-keys"}).at("key").get<std::string>();
  const auto escalation = create({{"name", "escalation"}, {"permissions", {"read:agents"}}}, apiKey(manager));
  EXPECT_EQ(escalation.status, 403) << escalation.body;
  EXPECT_EQ(errorCode(escalation), "forbidden");
  const auto allowed = create({{"name", "same rights"}, {"permissions", {"admin:api-keys"}}}, apiKey(manager));
  EXPECT_EQ(allowed.status, 201) << allowed.body;
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM api_keys WHERE name = 'escalation'"), 0);
}

TEST_F(ApiKeys, KeyPastItsExpiryIsRefused) {
  const auto created = create({{"name", "short-lived"}, {"permissions", {"read:agents"}}, {"expiresAt", isoIn(2s)}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto key = created.json().at("key").get<std::string>();
  std::this_thread::sleep_for(3500ms);
  EXPECT_EQ(get(port_, kMe, apiKey(key)).status, 401);
}

TEST_F(ApiKeys, UnknownKeyIs401) {
  EXPECT_EQ(get(port_, kMe, apiKey("mk_this-key-does-not-exist-0123456789")).status, 401);
  EXPECT_EQ(get(port_, kMe, xApiKey("mk_this-key-does-not-exist-0123456789")).status, 401);
}

TEST_F(ApiKeys, NonAdminsCannotManageKeys) {
  const auto cs = add("cs");
  const auto token = loginOk(port_, cs).accessToken;
  EXPECT_EQ(create({{"name", "cs key"}, {"permissions", {"read:agents"}}}, bearer(token)).status, 403);
  EXPECT_EQ(get(port_, kApiKeys, bearer(token)).status, 403);
}

// ----------------------------------------------------------------------------------------------------------------
// Two nodes sharing PostgreSQL and Redis

class TwoNodeAuth : public Auth {
 protected:
  void SetUp() override {
    Auth::SetUp();
    if (IsSkipped()) return;
    redis_ = runnerVariable("MONTI_TEST_REDIS_URL");
    if (redis_.empty()) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set (scripts/test sets it)";
    // Shared Redis: a parallel test's failed logins must not throttle this one.
    env_["MONTI_AUTH_IP_MAX_FAILURES"] = "100000";
    user_ = add("viewer");
    a_ = startNode("node-a");
    b_ = startNode("node-b");
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    Auth::TearDown();
  }
  std::unique_ptr<MontiProcess> startNode(const std::string& pod) {
    auto env = env_;
    env["POD_ID"] = pod;
    env["REDIS_URL"] = redis_;
    return startServer(env);
  }

  std::string redis_;
  Account user_;
  std::unique_ptr<MontiProcess> a_;
  std::unique_ptr<MontiProcess> b_;
};

TEST_F(TwoNodeAuth, LogoutOnOneNodeIsHonouredByTheOtherWithinTwoSeconds) {
  const auto session = loginOk(a_->port(), user_);
  ASSERT_EQ(me(b_->port(), session.accessToken).status, 200) << "node B must accept node A's token first";
  ASSERT_EQ(postJson(a_->port(), kLogout, "{}", bearer(session.accessToken)).status, 204);
  const auto loggedOut = std::chrono::steady_clock::now();
  const bool refused = eventually([&] { return me(b_->port(), session.accessToken).status == 401; }, 2s, 50ms);
  EXPECT_TRUE(refused)
      << "node B still accepts the token "
      << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - loggedOut).count()
      << " ms after the logout\n"
      << b_->describe();
  EXPECT_EQ(me(a_->port(), session.accessToken).status, 401);
}

TEST_F(TwoNodeAuth, NodeStartedAfterALogoutRefusesTheToken) {
  const auto session = loginOk(a_->port(), user_);
  ASSERT_EQ(postJson(a_->port(), kLogout, "{}", bearer(session.accessToken)).status, 204);
  const auto c = startNode("node-c");
  EXPECT_EQ(me(c->port(), session.accessToken).status, 401);
}

TEST_F(TwoNodeAuth, RefreshTokenFromOneNodeRotatesOnTheOther) {
  const auto session = loginOk(a_->port(), user_);
  const auto rotated = refresh(b_->port(), session.refreshToken);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_EQ(refresh(a_->port(), session.refreshToken).status, 401);
  EXPECT_EQ(refresh(a_->port(), rotated.json().at("refreshToken").get<std::string>()).status, 401);
}

}  // namespace
}  // namespace monti::itest
