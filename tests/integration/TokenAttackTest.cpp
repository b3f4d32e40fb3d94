// Forged, tampered, expired and malformed access tokens: each must get 401. The tokens are built by the test with
// OpenSSL directly (support/Jwt.hpp), not with Monti's signer, and every suite first shows that a token it builds
// correctly IS accepted, so a 401 below means the attack was refused, not that the test's token was broken.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/Jwt.hpp"
#include "support/MontiProcess.hpp"
#include "support/TempFile.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

namespace monti::itest {
namespace {

constexpr const char* kMe = "/api/v1/auth/me";

std::string randomJti() {
  std::random_device device;
  return "itest-" + std::to_string(device()) + "-" + std::to_string(device());
}

// One server and database per suite: these tests only read, apart from their own logouts.
struct SuiteServer {
  std::unique_ptr<TestDatabase> database;
  std::unique_ptr<MontiProcess> server;
  Account admin;
  Account viewer;
  std::int64_t adminId = 0;
  std::string error;

  void start(const std::function<void(Environment&)>& configure) {
    try {
      const auto app = runnerVariable("MONTI_TEST_DATABASE_URL");
      const auto adminUrl = runnerVariable("MONTI_TEST_DATABASE_ADMIN_URL");
      if (app.empty() || adminUrl.empty()) {
        error = "skip";
        return;
      }
      database = std::make_unique<TestDatabase>(adminUrl, app);
      auto env = authEnvironment(database->url());
      configure(env);
      migrateUp(env);
      admin = makeAccount("admin");
      adminId = createAccount(env, admin);
      viewer = makeAccount("viewer");
      createAccount(env, viewer);
      server = startServer(env);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  void stop() {
    server.reset();
    database.reset();
  }
  int port() const { return server->port(); }

  // Claims of a valid access token for the admin, as Monti itself issues them.
  nlohmann::json claims() const {
    const auto now = epochNow();
    return {{"sub", std::to_string(adminId)},
            {"username", admin.username},
            {"role", "admin"},
            {"tenant", "default"},
            {"departments", nlohmann::json::array()},
            {"locations", nlohmann::json::array()},
            {"jti", randomJti()},
            {"iat", now},
            {"exp", now + 600},
            {"iss", "monti"},
            {"aud", "monti"}};
  }
};

#define MONTI_REQUIRE_SUITE_SERVER(suite)                                                                         \
  do {                                                                                                            \
    if ((suite).error == "skip") GTEST_SKIP() << "MONTI_TEST_DATABASE_URL/_ADMIN_URL are not set (scripts/test)"; \
    ASSERT_TRUE((suite).error.empty()) << "the suite's monti server did not start: " << (suite).error;            \
  } while (false)

HttpResponse me(int port, const std::string& token) { return get(port, kMe, bearer(token)); }

// ----------------------------------------------------------------------------------------------------------------
// A server with the default HS256 and JWT_SECRET.

class TokenAttacks : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    suite_.start([](Environment&) {});
  }
  static void TearDownTestSuite() { suite_.stop(); }

 protected:
  void SetUp() override {
    MONTI_REQUIRE_SUITE_SERVER(suite_);
    const auto control = me(port(), hs256Token(claims(), kJwtSecret));
    ASSERT_EQ(control.status, 200) << "a correctly made token must be accepted: " << control.body;
  }

  static int port() { return suite_.port(); }
  static nlohmann::json claims() { return suite_.claims(); }
  static const SuiteServer& suite() { return suite_; }

  // Expects 401 for `token` on a route that needs a signed-in caller, and on an admin-only one.
  static void expectRefused(const std::string& token, const std::string& what) {
    const auto response = me(port(), token);
    EXPECT_EQ(response.status, 401) << what << ": " << response.body;
    EXPECT_EQ(errorCode(response), "unauthorized") << what << ": " << response.body;
    EXPECT_EQ(get(port(), "/api/v1/admin/jobs", bearer(token)).status, 401) << what;
  }

 private:
  static inline SuiteServer suite_;
};

TEST_F(TokenAttacks, TokenMadeWithTheRightKeyAndClaimsIsAccepted) {
  const auto response = me(port(), hs256Token(claims(), kJwtSecret));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json()["user"]["username"], suite().admin.username);
  EXPECT_EQ(get(port(), "/api/v1/admin/jobs", bearer(hs256Token(claims(), kJwtSecret))).status, 200);
}

TEST_F(TokenAttacks, AlgNoneIs401) {
  for (const auto* alg : {"none", "None", "NONE", "nOnE"}) {
    const nlohmann::json header{{"alg", alg}, {"typ", "JWT"}};
    expectRefused(signingInput(header, claims()) + ".", std::string("alg ") + alg + ", empty signature");
    // The right HMAC behind an alg none header: the header alone must decide nothing.
    expectRefused(hs256Token(claims(), kJwtSecret, header), std::string("alg ") + alg + ", HMAC signature");
  }
  expectRefused(signingInput({{"typ", "JWT"}}, claims()) + ".", "no alg at all");
}

TEST_F(TokenAttacks, SignatureMadeWithAnotherKeyIs401) {
  expectRefused(hs256Token(claims(), "another-secret-of-at-least-32-bytes-000000"), "another key");
  expectRefused(hs256Token(claims(), ""), "empty key");
  expectRefused(hs256Token(claims(), kJwtSecret.substr(0, 32)), "a prefix of the key");
}

TEST_F(TokenAttacks, TamperedClaimsWithTheOriginalSignatureAre401) {
  const auto session = loginOk(port(), suite().viewer);
  ASSERT_EQ(me(port(), session.accessToken).status, 200);
  const auto firstDot = session.accessToken.find('.');
  const auto secondDot = session.accessToken.find('.', firstDot + 1);
  auto elevated = claims();
  elevated["sub"] = session.user.at("id").dump();
  elevated["role"] = "admin";
  const auto forged = session.accessToken.substr(0, firstDot) + "." + base64Url(elevated.dump()) +
                      session.accessToken.substr(secondDot);
  expectRefused(forged, "viewer token with role admin");
}

TEST_F(TokenAttacks, Rs256TokenIs401WhenTheServerUsesHs256) {
  const auto keys = generateRsaKeyPair();
  expectRefused(rs256Token(claims(), keys.privatePem), "RS256 with a key the server never saw");
  expectRefused(rs256Token(claims(), keys.privatePem, {{"alg", "HS256"}, {"typ", "JWT"}}),
                "RSA signature under an HS256 header");
}

TEST_F(TokenAttacks, WrongIssuerIs401) {
  auto c = claims();
  c["iss"] = "https://evil.example";
  expectRefused(hs256Token(c, kJwtSecret), "iss evil");
  c.erase("iss");
  expectRefused(hs256Token(c, kJwtSecret), "no iss");
}

TEST_F(TokenAttacks, WrongAudienceIs401) {
  auto c = claims();
  c["aud"] = "another-service";
  expectRefused(hs256Token(c, kJwtSecret), "aud another-service");
  c["aud"] = nlohmann::json::array({"another-service"});
  expectRefused(hs256Token(c, kJwtSecret), "aud list without monti");
  c.erase("aud");
  expectRefused(hs256Token(c, kJwtSecret), "no aud");
}

TEST_F(TokenAttacks, TokenExpiredBeyondTheLeewayIs401) {
  auto c = claims();
  c["iat"] = epochNow() - 7200;
  c["exp"] = epochNow() - 3600;
  expectRefused(hs256Token(c, kJwtSecret), "expired an hour ago");
  c["exp"] = epochNow() - 120;  // the default leeway is 60 s
  expectRefused(hs256Token(c, kJwtSecret), "expired two minutes ago");
}

TEST_F(TokenAttacks, TokenExpiredWithinTheLeewayIsAccepted) {
  auto c = claims();
  c["exp"] = epochNow() - 10;
  EXPECT_EQ(me(port(), hs256Token(c, kJwtSecret)).status, 200);
}

TEST_F(TokenAttacks, TokenWithoutExpIs401) {
  auto c = claims();
  c.erase("exp");
  expectRefused(hs256Token(c, kJwtSecret), "no exp");
}

TEST_F(TokenAttacks, TokenNotYetValidIs401) {
  auto c = claims();
  c["nbf"] = epochNow() + 3600;
  expectRefused(hs256Token(c, kJwtSecret), "nbf in an hour");
}

TEST_F(TokenAttacks, RevokedTokenIs401) {
  const auto session = loginOk(port(), suite().viewer);
  ASSERT_EQ(me(port(), session.accessToken).status, 200);
  ASSERT_EQ(postJson(port(), "/api/v1/auth/logout", "{}", bearer(session.accessToken)).status, 204);
  const auto response = me(port(), session.accessToken);
  EXPECT_EQ(response.status, 401) << response.body;
  EXPECT_NE(response.body.find("revoked"), std::string::npos) << response.body;
}

TEST_F(TokenAttacks, MalformedTokensAre401) {
  const auto valid = hs256Token(claims(), kJwtSecret);
  const auto lastDot = valid.rfind('.');
  const std::vector<std::pair<std::string, std::string>> tokens{
      {"two parts", valid.substr(0, lastDot)},
      {"four parts", valid + ".AAAA"},
      {"garbage base64", "!!!.@@@.###"},
      {"padded base64", valid + "=="},
      {"not JSON inside", base64Url("not json") + "." + base64Url("{") + "." + base64Url("sig")},
      {"JSON array claims", base64Url(R"({"alg":"HS256"})") + "." + base64Url("[1,2]") + "." + base64Url("sig")},
      {"empty", ""},
      {"dots only", ".."},
      {"7 KiB", valid.substr(0, lastDot) + std::string(std::size_t{7} * 1024, 'A') + valid.substr(lastDot)},
  };
  for (const auto& [what, token] : tokens)
    expectRefused(token, what);
}

// Past 8 KiB the header value never reaches Monti: Poco answers 400 itself (docs/http.md, "Requests"). Either way
// the token must not get in.
TEST_F(TokenAttacks, NineKibTokenIsRefused) {
  const auto valid = hs256Token(claims(), kJwtSecret);
  const auto lastDot = valid.rfind('.');
  const auto token = valid.substr(0, lastDot) + std::string(std::size_t{9} * 1024, 'A') + valid.substr(lastDot);
  const auto response = me(port(), token);
  EXPECT_TRUE(response.status == 401 || response.status == 400) << response.status << " " << response.body;
  EXPECT_EQ(me(port(), valid).status, 200) << "the server survived it";
}

TEST_F(TokenAttacks, UnsupportedAuthorizationSchemeIs401) {
  const auto valid = hs256Token(claims(), kJwtSecret);
  for (const auto& value : std::vector<std::string>{"Basic YWRtaW46YWRtaW4=", "Token " + valid, valid}) {
    const auto response = get(port(), kMe, {{"Authorization", value}});
    EXPECT_EQ(response.status, 401) << value << ": " << response.body;
  }
}

TEST_F(TokenAttacks, TokenWithoutJtiOrSubIs401) {
  auto c = claims();
  c.erase("jti");
  expectRefused(hs256Token(c, kJwtSecret), "no jti (it could never be revoked)");
  c = claims();
  c.erase("sub");
  expectRefused(hs256Token(c, kJwtSecret), "no sub");
  c = claims();
  c.erase("tenant");
  expectRefused(hs256Token(c, kJwtSecret), "no tenant");
}

// ----------------------------------------------------------------------------------------------------------------
// Algorithm confusion against a server that signs with RS256.

class Rs256TokenAttacks : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    keys_ = generateRsaKeyPair();
    keyFile_ = std::make_unique<TempFile>(keys_.privatePem, ".pem");
    suite_.start([](Environment& env) {
      env["MONTI_AUTH_JWT_ALGORITHM"] = "RS256";
      env["MONTI_AUTH_JWT_PRIVATE_KEY_FILE"] = keyFile_->path();
    });
  }
  static void TearDownTestSuite() {
    suite_.stop();
    keyFile_.reset();
  }

 protected:
  void SetUp() override {
    MONTI_REQUIRE_SUITE_SERVER(suite_);
    const auto control = me(port(), rs256Token(suite_.claims(), keys_.privatePem));
    ASSERT_EQ(control.status, 200) << "a token signed with the server's key must be accepted: " << control.body;
  }
  static int port() { return suite_.port(); }

  static inline SuiteServer suite_;
  static inline RsaKeyPair keys_;
  static inline std::unique_ptr<TempFile> keyFile_;
};

TEST_F(Rs256TokenAttacks, ServerIssuesRs256TokensThatItAccepts) {
  const auto session = loginOk(port(), suite_.viewer);
  const auto header = session.accessToken.substr(0, session.accessToken.find('.'));
  EXPECT_EQ(header, base64Url(R"({"alg":"RS256","typ":"JWT"})")) << session.accessToken;
  EXPECT_EQ(me(port(), session.accessToken).status, 200);
}

TEST_F(Rs256TokenAttacks, Hs256TokenKeyedWithThePublicKeyPemIs401) {
  const nlohmann::json hs256{{"alg", "HS256"}, {"typ", "JWT"}};
  auto withoutNewline = keys_.publicPem;
  while (!withoutNewline.empty() && withoutNewline.back() == '\n')
    withoutNewline.pop_back();
  for (const auto& [what, key] : std::vector<std::pair<std::string, std::string>>{
           {"public PEM", keys_.publicPem}, {"public PEM without newline", withoutNewline}}) {
    const auto response = me(port(), hs256Token(suite_.claims(), key, hs256));
    EXPECT_EQ(response.status, 401) << what << ": " << response.body;
  }
}

TEST_F(Rs256TokenAttacks, Hs256TokenKeyedWithTheJwtSecretIs401) {
  const auto response = me(port(), hs256Token(suite_.claims(), kJwtSecret));
  EXPECT_EQ(response.status, 401) << response.body;
}

TEST_F(Rs256TokenAttacks, Rs256TokenSignedWithAnotherKeyIs401) {
  const auto other = generateRsaKeyPair();
  const auto response = me(port(), rs256Token(suite_.claims(), other.privatePem));
  EXPECT_EQ(response.status, 401) << response.body;
}

TEST_F(Rs256TokenAttacks, AlgNoneIs401) {
  const auto response = me(port(), signingInput({{"alg", "none"}, {"typ", "JWT"}}, suite_.claims()) + ".");
  EXPECT_EQ(response.status, 401) << response.body;
}

}  // namespace
}  // namespace monti::itest
