// The claim checks of JwtVerifier: exp, nbf, iat, iss and aud against the injected clock at test::kNow.
#include "auth/crypto/JwtVerifier.hpp"

#include "CryptoTestSupport.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

using nlohmann::json;
using test::kNow;
using test::validClaims;

class JwtClaimsTest : public ::testing::Test {
 protected:
  JwsKey key_ = JwsKey::hmac(test::kHmacSecret);
  JwtVerifier verifier_{key_, test::testOptions()};  // leeway 30 s

  [[nodiscard]] VerifyResult verifyWith(const std::string& claim, const json& value) const {
    auto claims = validClaims();
    claims[claim] = value;
    return verifier_.verify(test::makeToken({{"alg", "HS256"}}, claims, key_));
  }
  [[nodiscard]] VerifyResult verifyWithout(const std::string& claim) const {
    auto claims = validClaims();
    claims.erase(claim);
    return verifier_.verify(test::makeToken({{"alg", "HS256"}}, claims, key_));
  }
};

bool refusedFor(const VerifyResult& result, VerifyError expected) { return !result.ok() && result.error() == expected; }

TEST_F(JwtClaimsTest, RejectsATokenExpiredBeyondTheLeeway) {
  EXPECT_TRUE(refusedFor(verifyWith("exp", kNow - 31), VerifyError::kExpired));
  EXPECT_TRUE(refusedFor(verifyWith("exp", kNow - 30), VerifyError::kExpired));
}

TEST_F(JwtClaimsTest, AcceptsATokenExpiredWithinTheLeeway) { EXPECT_TRUE(verifyWith("exp", kNow - 29).ok()); }

TEST_F(JwtClaimsTest, AcceptsFractionalNumericDates) { EXPECT_TRUE(verifyWith("exp", kNow + 0.5).ok()); }

TEST_F(JwtClaimsTest, RejectsATokenWithoutExp) {
  EXPECT_TRUE(refusedFor(verifyWithout("exp"), VerifyError::kMissingExp));
}

TEST_F(JwtClaimsTest, RejectsANonNumericExp) {
  EXPECT_TRUE(refusedFor(verifyWith("exp", std::to_string(kNow + 600)), VerifyError::kMalformed));
  EXPECT_TRUE(refusedFor(verifyWith("exp", nullptr), VerifyError::kMalformed));
}

TEST_F(JwtClaimsTest, RejectsNbfInTheFutureBeyondTheLeeway) {
  EXPECT_TRUE(refusedFor(verifyWith("nbf", kNow + 31), VerifyError::kNotYetValid));
}

TEST_F(JwtClaimsTest, AcceptsNbfWithinTheLeeway) { EXPECT_TRUE(verifyWith("nbf", kNow + 30).ok()); }

TEST_F(JwtClaimsTest, RejectsIatInTheFutureBeyondTheLeeway) {
  EXPECT_TRUE(refusedFor(verifyWith("iat", kNow + 31), VerifyError::kNotYetValid));
}

TEST_F(JwtClaimsTest, RejectsANonNumericNbfOrIat) {
  EXPECT_TRUE(refusedFor(verifyWith("nbf", "soon"), VerifyError::kMalformed));
  EXPECT_TRUE(refusedFor(verifyWith("iat", json::array()), VerifyError::kMalformed));
}

TEST_F(JwtClaimsTest, RejectsAnotherIssuer) {
  EXPECT_TRUE(refusedFor(verifyWith("iss", "https://evil.test"), VerifyError::kWrongIssuer));
}

TEST_F(JwtClaimsTest, RejectsAMissingOrNonStringIssuer) {
  EXPECT_TRUE(refusedFor(verifyWithout("iss"), VerifyError::kWrongIssuer));
  EXPECT_TRUE(refusedFor(verifyWith("iss", json::array({test::kIssuer})), VerifyError::kWrongIssuer));
}

TEST_F(JwtClaimsTest, RejectsAnotherAudience) {
  EXPECT_TRUE(refusedFor(verifyWith("aud", "other-api"), VerifyError::kWrongAudience));
}

TEST_F(JwtClaimsTest, AcceptsAnAudienceArrayContainingOurs) {
  EXPECT_TRUE(verifyWith("aud", json::array({"other-api", test::kAudience})).ok());
}

TEST_F(JwtClaimsTest, RejectsAnAudienceArrayWithoutOurs) {
  EXPECT_TRUE(refusedFor(verifyWith("aud", json::array({"other-api", 42})), VerifyError::kWrongAudience));
  EXPECT_TRUE(refusedFor(verifyWith("aud", json::array()), VerifyError::kWrongAudience));
}

TEST_F(JwtClaimsTest, RejectsAMissingAudience) {
  EXPECT_TRUE(refusedFor(verifyWithout("aud"), VerifyError::kWrongAudience));
}

TEST(JwtClaims, UsesTheInjectedClock) {
  const auto key = JwsKey::hmac(test::kHmacSecret);
  const auto token = test::makeToken({{"alg", "HS256"}}, validClaims(), key);  // exp = kNow + 600
  auto options = test::testOptions();
  options.clock = [] { return test::at(kNow + 700); };
  const auto result = JwtVerifier{key, options}.verify(token);
  EXPECT_TRUE(refusedFor(result, VerifyError::kExpired));
}

TEST(JwtClaims, RefusesANegativeLeeway) {
  auto options = test::testOptions();
  options.leeway = std::chrono::seconds{-1};
  EXPECT_THROW(JwtVerifier(JwsKey::hmac(test::kHmacSecret), options), std::invalid_argument);
}

TEST(JwtClaims, ChecksNeitherIssuerNorAudienceWhenNoneIsConfigured) {
  const auto key = JwsKey::hmac(test::kHmacSecret);
  auto options = test::testOptions();
  options.issuer.clear();
  options.audience.clear();
  const auto token = test::makeToken({{"alg", "HS256"}}, json{{"exp", kNow + 60}}, key);
  EXPECT_TRUE(JwtVerifier(key, options).verify(token).ok());
}

}  // namespace
}  // namespace monti::auth::crypto
