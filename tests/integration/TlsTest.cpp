// The optional HTTPS listener: TLS 1.2 or later, HSTS on HTTPS responses only.
#include "support/Command.hpp"
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TempFile.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace monti::itest {
namespace {

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto cert = (dir_.path() / "cert.pem").string();
    const auto key = (dir_.path() / "key.pem").string();
    const auto made = runCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                                  cert, "-days", "1", "-subj", "/CN=localhost"});
    ASSERT_EQ(made.exitCode, 0) << made.err;
    auto env = baseEnvironment();
    env["MONTI_SERVER_TLS_ENABLED"] = "true";
    env["MONTI_SERVER_TLS_PORT"] = "0";
    env["MONTI_SERVER_TLS_CERT_FILE"] = cert;
    env["MONTI_SERVER_TLS_KEY_FILE"] = key;
    server_ = startServer(env);
    for (const auto& line : server_->out().lines()) {
      if (line.find("\"listening\"") != std::string::npos) tlsPort_ = nlohmann::json::parse(line).at("tlsPort");
    }
    ASSERT_GT(tlsPort_, 0);
  }

  ExitResult curl(std::vector<std::string> extra) const {
    std::vector<std::string> args{"curl", "-sk", "-o", "/dev/null", "-D", "-", "--max-time", "10"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("https://127.0.0.1:" + std::to_string(tlsPort_) + "/health");
    return runCommand(args);
  }

  TempDir dir_;
  std::unique_ptr<MontiProcess> server_;
  int tlsPort_ = 0;
};

TEST_F(Tls, HttpsServesTheSameRoutesWithHsts) {
  const auto result = curl({});
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_NE(result.out.find("HTTP/1.1 200"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Strict-Transport-Security: max-age=31536000"), std::string::npos) << result.out;
}

TEST_F(Tls, PlainHttpHasNoHsts) {
  const auto response = get(server_->port(), "/health");
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.header("Strict-Transport-Security").has_value());
}

TEST_F(Tls, TlsOlderThanOnePointTwoIsRefused) {
  const auto result = curl({"--tls-max", "1.1"});
  EXPECT_NE(result.exitCode, 0) << result.out;
}

TEST(TlsConfig, EnabledWithoutCertificateStopsStartup) {
  auto env = baseEnvironment();
  env["MONTI_SERVER_TLS_ENABLED"] = "true";
  const auto result = runToExit({"config", "check"}, env);
  EXPECT_EQ(result.exitCode, 78);
  EXPECT_NE(result.err.find("server.tls_cert_file"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace monti::itest
