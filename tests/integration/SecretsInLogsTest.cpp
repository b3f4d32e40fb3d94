// Nothing secret in logs: one node goes through everything auth does (bootstrap admin, CLI account creation, right
// and wrong logins, token use, refresh and refresh reuse, API keys, logout, revoked tokens), and everything it and
// the CLI wrote to stdout and stderr is searched for every password, token and key the test used.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

namespace monti::itest {
namespace {

using SecretsInLogs = DatabaseTest;

// The password in postgresql://user:password@host/..., or "" when the URL has none.
std::string urlPassword(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const auto at = url.find('@', scheme);
  const auto colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return "";
  return url.substr(colon + 1, at - colon - 1);
}

class Secrets {
 public:
  void add(const std::string& what, const std::string& value) {
    if (value.size() >= 8) secrets_.emplace_back(what, value);
  }
  // A token and, separately, its signature: a log line that cut the token short would still leak that.
  void addToken(const std::string& what, const std::string& token) {
    add(what, token);
    const auto dot = token.rfind('.');
    if (dot != std::string::npos) add(what + " (signature)", token.substr(dot + 1));
  }
  const std::vector<std::pair<std::string, std::string>>& all() const { return secrets_; }

 private:
  std::vector<std::pair<std::string, std::string>> secrets_;
};

TEST_F(SecretsInLogs, NoPasswordTokenKeyOrSecretAppearsInAnythingMontiWrote) {
  auto env = authEnvironment(db().url());
  env["LOG_LEVEL"] = "debug";
  env["MONTI_AUTH_LOGIN_MAX_FAILURES"] = "3";
  env["MONTI_AUTH_IP_MAX_FAILURES"] = "100000";
  if (const auto redis = runnerVariable("MONTI_TEST_REDIS_URL"); !redis.empty()) env["REDIS_URL"] = redis;
  const auto bootstrap = makeAccount("admin");
  env["MONTI_BOOTSTRAP_ADMIN_USERNAME"] = bootstrap.username;
  env["MONTI_BOOTSTRAP_ADMIN_EMAIL"] = bootstrap.email;
  env["MONTI_BOOTSTRAP_ADMIN_PASSWORD"] = bootstrap.password;

  Secrets secrets;
  secrets.add("JWT_SECRET", kJwtSecret);
  secrets.add("database password", urlPassword(db().url()));
  secrets.add("bootstrap admin password", bootstrap.password);
  std::string cliOutput;

  const auto migrate = runToExit({"migrate", "up"}, env, std::chrono::seconds(60));
  ASSERT_EQ(migrate.exitCode, 0) << migrate.out << migrate.err;
  cliOutput += migrate.out + migrate.err;
  // The server first: it creates the bootstrap admin only while there is no admin at all.
  auto server = startServer(env);
  const int port = server->port();
  const auto viewer = makeAccount("viewer");
  secrets.add("viewer password", viewer.password);
  const auto created =
      runWithInput({"user", "create", "--username", viewer.username, "--email", viewer.email, "--role", "viewer"}, env,
                   viewer.password + "\n");
  ASSERT_EQ(created.exitCode, 0) << created.out << created.err;
  cliOutput += created.out + created.err;
  const auto second = makeAccount("admin");
  secrets.add("admin create password", second.password);
  const auto adminCreated = runWithInput({"admin", "create", "--username", second.username, "--email", second.email},
                                         env, second.password + "\n");
  ASSERT_EQ(adminCreated.exitCode, 0) << adminCreated.out << adminCreated.err;
  cliOutput += adminCreated.out + adminCreated.err;
  // A password that is refused (too short) is still a password.
  const auto refused = runWithInput(
      {"user", "create", "--username", "short_" + viewer.username, "--email", "s" + viewer.email, "--role", "cs"}, env,
      "Sh0rt!\n");
  EXPECT_NE(refused.exitCode, 0);
  cliOutput += refused.out + refused.err;
  const std::string shortPassword = "Sh0rt!";

  // Wrong passwords, for a known account (until it is locked) and for an unknown one.
  for (int i = 0; i < 4; ++i) {
    const auto wrong = "wrong-password-" + std::to_string(i) + "-" + viewer.password;
    secrets.add("wrong password", wrong);
    EXPECT_NE(login(port, viewer.username, wrong).status, 200);
  }
  const auto unknownPassword = "unknown-user-password-" + bootstrap.password;
  secrets.add("unknown user's password", unknownPassword);
  EXPECT_EQ(login(port, "nobody_" + viewer.username, unknownPassword).status, 401);

  // The bootstrap admin logs in, uses and refreshes its tokens, makes and uses API keys.
  const auto admin = loginOk(port, bootstrap);
  secrets.addToken("admin access token", admin.accessToken);
  secrets.add("admin refresh token", admin.refreshToken);
  ASSERT_EQ(get(port, "/api/v1/auth/me", bearer(admin.accessToken)).status, 200);
  // A token in the query string: the access log keeps the path only.
  EXPECT_NE(get(port, "/api/v1/auth/me?access_token=" + admin.accessToken).status, 500);
  const auto rotated =
      postJson(port, "/api/v1/auth/refresh", nlohmann::json{{"refreshToken", admin.refreshToken}}.dump());
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto access2 = rotated.json().at("accessToken").get<std::string>();
  const auto refresh2 = rotated.json().at("refreshToken").get<std::string>();
  secrets.addToken("refreshed access token", access2);
  secrets.add("refreshed refresh token", refresh2);
  // Reuse of the first refresh token: an error path that must not log the token either.
  EXPECT_EQ(postJson(port, "/api/v1/auth/refresh", nlohmann::json{{"refreshToken", admin.refreshToken}}.dump()).status,
            401);

  const auto second2 = loginOk(port, second);
  secrets.addToken("second admin access token", second2.accessToken);
  secrets.add("second admin refresh token", second2.refreshToken);
  const auto key = postJson(port, "/api/v1/admin/api-keys",
                            nlohmann::json{{"name", "log test"}, {"permissions", {"admin:jobs"}}}.dump(),
                            bearer(second2.accessToken));
  ASSERT_EQ(key.status, 201) << key.body;
  const auto apiKey = key.json().at("key").get<std::string>();
  secrets.add("API key", apiKey);
  EXPECT_EQ(get(port, "/api/v1/admin/jobs", {{"X-API-Key", apiKey}}).status, 200);
  EXPECT_EQ(get(port, "/api/v1/admin/audit", {{"Authorization", "ApiKey " + apiKey}}).status, 403);
  const auto wrongKey = apiKey + "x";
  secrets.add("wrong API key", wrongKey);
  EXPECT_EQ(get(port, "/api/v1/auth/me", {{"X-API-Key", wrongKey}}).status, 401);

  // A viewer (locked by now: throttled path) and a forged token.
  const auto forged =
      admin.accessToken.substr(0, admin.accessToken.rfind('.') + 1) + "Zm9yZ2VkLXNpZ25hdHVyZS0wMTIzNDU2";
  secrets.addToken("forged token", forged);
  EXPECT_EQ(get(port, "/api/v1/auth/me", bearer(forged)).status, 401);
  EXPECT_EQ(login(port, viewer.username, viewer.password).status, 429);

  // Logout, then the revoked token.
  ASSERT_EQ(
      postJson(port, "/api/v1/auth/logout", nlohmann::json{{"refreshToken", refresh2}}.dump(), bearer(access2)).status,
      204);
  EXPECT_EQ(get(port, "/api/v1/auth/me", bearer(access2)).status, 401);
  EXPECT_EQ(postJson(port, "/api/v1/auth/refresh", nlohmann::json{{"refreshToken", refresh2}}.dump()).status, 401);

  server->signal(SIGTERM);
  ASSERT_TRUE(server->waitForExit(std::chrono::seconds(30))) << "monti did not stop";
  const auto logs = server->out().text() + server->err().text() + cliOutput;

  // The capture is real: it holds the request lines of what the test did.
  ASSERT_NE(logs.find("/api/v1/auth/login"), std::string::npos) << logs;
  ASSERT_NE(logs.find("/api/v1/admin/api-keys"), std::string::npos) << logs;
  ASSERT_NE(logs.find("bootstrap admin created"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(shortPassword), std::string::npos) << "the refused short password";
  for (const auto& [what, secret] : secrets.all()) {
    const auto at = logs.find(secret);
    EXPECT_EQ(at, std::string::npos) << what << " appears in the logs: ..."
                                     << logs.substr(at == std::string::npos ? 0 : (at > 200 ? at - 200 : 0), 400)
                                     << "...";
  }
}

}  // namespace
}  // namespace monti::itest
