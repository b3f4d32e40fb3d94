// External identity providers (OIDC): tokens signed by the provider's keys, published as a JWKS file or URL.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/Jwt.hpp"
#include "support/MontiProcess.hpp"
#include "support/TempFile.hpp"
#include "support/TestDatabase.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <fstream>
#include <thread>

namespace monti::itest {
namespace {

const std::string kIssuer = "https://idp.example.test/realms/monti";
const std::string kAudience = "monti-api";

// The public JWK {kty, kid, use, alg, n, e} of an RSA public key PEM.
nlohmann::json rsaJwk(const std::string& publicPem, const std::string& kid) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(publicPem.data(), static_cast<int>(publicPem.size())),
                                                BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  auto part = [&key](const char* name) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key.get(), name, &bn);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));  // NOLINT: OpenSSL takes unsigned bytes
    BN_free(bn);
    return base64Url(bytes);
  };
  return {{"kty", "RSA"},
          {"kid", kid},
          {"use", "sig"},
          {"alg", "RS256"},
          {"n", part(OSSL_PKEY_PARAM_RSA_N)},
          {"e", part(OSSL_PKEY_PARAM_RSA_E)}};
}

nlohmann::json claims(const std::string& role, const std::string& tenant) {
  const auto now = epochNow();
  return {{"iss", kIssuer},
          {"aud", kAudience},
          {"sub", "ext-42"},
          {"preferred_username", "erin"},
          {"iat", now},
          {"exp", now + 300},
          {"realm_roles", {"offline_access", role}},
          {"org", tenant},
          {"depts", {"Sales"}}};
}

int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);  // NOLINT: the sockets API
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);  // NOLINT: the sockets API
  close(fd);
  return ntohs(address.sin_port);
}

// Serves a folder over HTTP on loopback (python3 -m http.server) while it lives: the provider's JWKS URL.
class StaticHttpServer {
 public:
  explicit StaticHttpServer(const std::string& dir) : port_(freePort()) {
    const std::string port = std::to_string(port_);
    pid_ = fork();
    if (pid_ == 0) {
      execlp("python3", "python3", "-m", "http.server", port.c_str(), "--bind", "127.0.0.1", "--directory", dir.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !canConnect(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~StaticHttpServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  StaticHttpServer(const StaticHttpServer&) = delete;
  StaticHttpServer& operator=(const StaticHttpServer&) = delete;
  int port() const noexcept { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
};

class Oidc : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    key_ = generateRsaKeyPair();
    writeJwks(nlohmann::json::array({rsaJwk(key_.publicPem, "k1")}));
    env_ = exampleEnvironment(db().url());
    env_["JWT_SECRET"] = "0123456789abcdef0123456789abcdef-oidc";
    env_["MONTI_OIDC_ISSUER"] = kIssuer;
    env_["MONTI_OIDC_AUDIENCE"] = kAudience;
    env_["MONTI_OIDC_JWKS_FILE"] = jwks_.path();
    env_["MONTI_OIDC_ROLE_CLAIM"] = "realm_roles";
    env_["MONTI_OIDC_TENANT_CLAIM"] = "org";
    env_["MONTI_OIDC_DEPARTMENTS_CLAIM"] = "depts";
    env_["MONTI_OIDC_REFETCH_INTERVAL"] = "0ms";
  }

  void writeJwks(const nlohmann::json& keys) { std::ofstream(jwks_.path()) << nlohmann::json{{"keys", keys}}.dump(); }

  HttpResponse me(int port, const std::string& token) {
    return get(port, "/api/v1/auth/me", {{"Authorization", "Bearer " + token}});
  }

  TempFile jwks_{"", ".json"};
  RsaKeyPair key_;
  Environment env_;
};

TEST_F(Oidc, ProviderTokenMapsClaimsToRoleTenantAndDepartments) {
  const auto node = startServer(env_);
  const auto token = rs256Token(claims("cs", "acme"), key_.privatePem, {{"alg", "RS256"}, {"kid", "k1"}});
  const auto response = me(node->port(), token);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto user = response.json().at("user");
  EXPECT_EQ(user.at("id"), "oidc:ext-42");
  EXPECT_EQ(user.at("role"), "cs");
  EXPECT_EQ(user.at("tenant"), "acme");
  EXPECT_EQ(user.at("departments"), nlohmann::json::array({"Sales"}));
  EXPECT_EQ(response.json().at("permissions"),
            nlohmann::json({"read:agents", "update:self", "read:performance", "update:status"}));
}

TEST_F(Oidc, ProviderTokenWithWrongIssuerAudienceOrKeyIs401) {
  const auto node = startServer(env_);
  auto wrongIssuer = claims("admin", "acme");
  wrongIssuer["iss"] = "https://evil.example.test";
  auto wrongAudience = claims("admin", "acme");
  wrongAudience["aud"] = "someone-else";
  const auto otherKey = generateRsaKeyPair();
  const nlohmann::json header{{"alg", "RS256"}, {"kid", "k1"}};
  EXPECT_EQ(me(node->port(), rs256Token(wrongIssuer, key_.privatePem, header)).status, 401);
  EXPECT_EQ(me(node->port(), rs256Token(wrongAudience, key_.privatePem, header)).status, 401);
  EXPECT_EQ(me(node->port(), rs256Token(claims("admin", "acme"), otherKey.privatePem, header)).status, 401);
  EXPECT_EQ(
      me(node->port(), hs256Token(claims("admin", "acme"), key_.publicPem, {{"alg", "HS256"}, {"kid", "k1"}})).status,
      401);
}

TEST_F(Oidc, RotatedProviderKeyIsFetchedOnItsFirstUse) {
  const auto node = startServer(env_);
  const auto rotated = generateRsaKeyPair();
  const auto token = rs256Token(claims("viewer", "acme"), rotated.privatePem, {{"alg", "RS256"}, {"kid", "k2"}});
  EXPECT_EQ(me(node->port(), token).status, 401) << "k2 is not published yet";
  writeJwks(nlohmann::json::array({rsaJwk(key_.publicPem, "k1"), rsaJwk(rotated.publicPem, "k2")}));
  const auto response = me(node->port(), token);
  EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(Oidc, JwksIsFetchedFromTheProvidersUrl) {
  TempDir site;
  std::ofstream(site.path() / "jwks.json")
      << nlohmann::json{{"keys", nlohmann::json::array({rsaJwk(key_.publicPem, "k1")})}}.dump();
  StaticHttpServer provider(site.path().string());
  env_.erase("MONTI_OIDC_JWKS_FILE");
  env_["MONTI_OIDC_JWKS_URL"] = "http://127.0.0.1:" + std::to_string(provider.port()) + "/jwks.json";
  const auto node = startServer(env_);
  const auto token = rs256Token(claims("viewer", "acme"), key_.privatePem, {{"alg", "RS256"}, {"kid", "k1"}});
  const auto response = me(node->port(), token);
  EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(Oidc, UnreadableJwksStopsStartupNamingOidc) {
  env_["MONTI_OIDC_JWKS_FILE"] = "/nonexistent/jwks.json";
  const auto result = runToExit({"serve"}, env_);
  EXPECT_EQ(result.exitCode, 78);
  EXPECT_NE(result.err.find("oidc"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace monti::itest
