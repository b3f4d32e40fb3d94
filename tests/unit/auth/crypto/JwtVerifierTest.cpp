#include "auth/crypto/JwtVerifier.hpp"

#include "CryptoTestSupport.hpp"
#include "auth/crypto/JwtSigner.hpp"

#include "auth/crypto/EcdsaSignature.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace monti::auth::crypto {
namespace {

using nlohmann::json;
using test::kHmacSecret;
using test::makeToken;
using test::rawToken;
using test::testOptions;
using test::validClaims;

const json kHs256Header = {{"alg", "HS256"}, {"typ", "JWT"}};

class JwtVerifierTest : public ::testing::Test {
 protected:
  JwsKey key_ = JwsKey::hmac(kHmacSecret);
  JwtVerifier verifier_{key_, testOptions()};

  [[nodiscard]] VerifyError errorOf(std::string_view token) const {
    const auto result = verifier_.verify(token);
    EXPECT_FALSE(result.ok()) << "token was accepted: " << token;
    return result.ok() ? VerifyError::kMalformed : result.error();
  }
};

TEST_F(JwtVerifierTest, AcceptsAValidTokenAndReturnsItsClaims) {
  const auto result = verifier_.verify(makeToken(kHs256Header, validClaims(), key_));
  ASSERT_TRUE(result.ok()) << toString(result.error());
  EXPECT_EQ(result.value(), validClaims());
}

TEST(JwtVerifier, VerifiesTheRfc7515AppendixA1Example) {
  const auto secret =
      base64UrlDecode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  ASSERT_TRUE(secret.has_value());
  JwtVerifierOptions options;
  options.issuer = "joe";
  options.clock = [] { return test::at(1300819000); };
  const JwtVerifier verifier{JwsKey::hmac(*secret), options};
  const auto result = verifier.verify(
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  ASSERT_TRUE(result.ok()) << toString(result.error());
  EXPECT_EQ(result.value().at("http://example.com/is_root"), true);
}

TEST_F(JwtVerifierTest, RejectsAlgNoneInAnyCase) {
  const auto payload = base64UrlEncode(validClaims().dump());
  for (const char* none : {"none", "None", "NONE", "nOnE"}) {
    const auto header = base64UrlEncode(json{{"alg", none}, {"typ", "JWT"}}.dump());
    EXPECT_EQ(errorOf(header + "." + payload + "."), VerifyError::kUnsupportedAlg) << none;
    EXPECT_EQ(errorOf(header + "." + payload + "." + base64UrlEncode(key_.sign(header + "." + payload))),
              VerifyError::kUnsupportedAlg)
        << none;
  }
}

TEST_F(JwtVerifierTest, RejectsAlgorithmsItDoesNotKnow) {
  for (const char* alg : {"HS512", "hs256", "PS256", "HS256 "}) {
    EXPECT_EQ(errorOf(makeToken({{"alg", alg}}, validClaims(), key_)), VerifyError::kUnsupportedAlg) << alg;
  }
}

TEST_F(JwtVerifierTest, RejectsAHeaderWithoutAlg) {
  EXPECT_EQ(errorOf(makeToken({{"typ", "JWT"}}, validClaims(), key_)), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(makeToken({{"alg", 256}}, validClaims(), key_)), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsAKnownAlgorithmOtherThanTheConfiguredOne) {
  const auto rsa = JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, test::rsaPair().privatePem);
  EXPECT_EQ(errorOf(makeToken({{"alg", "RS256"}}, validClaims(), rsa)), VerifyError::kAlgMismatch);
}

TEST(JwtVerifier, RejectsHs256SignedWithTheRsaPublicKey) {
  // Algorithm confusion: a verifier that let the header pick the algorithm would use the public key
  // (which attackers have) as the HMAC secret.
  const auto& publicPem = test::rsaPair().publicPem;
  const JwtVerifier verifier{JwsKey::fromPublicPem(JwsAlgorithm::kRs256, publicPem), testOptions()};
  const auto forged = makeToken({{"alg", "HS256"}, {"typ", "JWT"}}, validClaims(), JwsKey::hmac(publicPem));
  const auto result = verifier.verify(forged);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), VerifyError::kAlgMismatch);
}

TEST_F(JwtVerifierTest, RejectsATamperedPayload) {
  const auto token = makeToken(kHs256Header, validClaims(), key_);
  auto claims = validClaims();
  claims["sub"] = "1";
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const auto tampered = token.substr(0, first + 1) + base64UrlEncode(claims.dump()) + token.substr(second);
  EXPECT_EQ(errorOf(tampered), VerifyError::kBadSignature);
}

TEST_F(JwtVerifierTest, RejectsATamperedSignature) {
  auto token = makeToken(kHs256Header, validClaims(), key_);
  token[token.rfind('.') + 1] = token[token.rfind('.') + 1] == 'A' ? 'B' : 'A';
  EXPECT_EQ(errorOf(token), VerifyError::kBadSignature);
}

TEST_F(JwtVerifierTest, RejectsATokenSignedWithAnotherSecret) {
  const auto other = JwsKey::hmac(kHmacSecret + "-other");
  EXPECT_EQ(errorOf(makeToken(kHs256Header, validClaims(), other)), VerifyError::kBadSignature);
}

TEST_F(JwtVerifierTest, RejectsAnEmptySignature) {
  const auto token = makeToken(kHs256Header, validClaims(), key_);
  EXPECT_EQ(errorOf(token.substr(0, token.rfind('.') + 1)), VerifyError::kBadSignature);
}

TEST_F(JwtVerifierTest, RejectsTokensWithoutExactlyThreeParts) {
  const auto token = makeToken(kHs256Header, validClaims(), key_);
  EXPECT_EQ(errorOf(token.substr(0, token.rfind('.'))), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(token + ".AAAA"), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(token + "."), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(""), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(".."), VerifyError::kMalformed);
  EXPECT_EQ(errorOf("justonepart"), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsTokensOver8KiBEvenWhenSigned) {
  auto claims = validClaims();
  claims["padding"] = std::string(6200, 'x');
  const auto token = makeToken(kHs256Header, claims, key_);
  ASSERT_GT(token.size(), JwtVerifier::kMaxTokenBytes);
  EXPECT_EQ(errorOf(token), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, AcceptsATokenJustUnder8KiB) {
  auto claims = validClaims();
  claims["padding"] = std::string(5800, 'x');
  const auto token = makeToken(kHs256Header, claims, key_);
  ASSERT_LE(token.size(), JwtVerifier::kMaxTokenBytes);
  EXPECT_TRUE(verifier_.verify(token).ok());
}

TEST_F(JwtVerifierTest, RejectsAHeaderThatIsNotJson) {
  EXPECT_EQ(errorOf(rawToken("{alg: HS256}", validClaims().dump(), key_)), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(rawToken(R"(["HS256"])", validClaims().dump(), key_)), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsAPayloadThatIsNotAJsonObject) {
  EXPECT_EQ(errorOf(rawToken(kHs256Header.dump(), "not json", key_)), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(rawToken(kHs256Header.dump(), "[1,2]", key_)), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(rawToken(kHs256Header.dump(), validClaims().dump() + "x", key_)), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsDuplicateHeaderMembers) {
  EXPECT_EQ(errorOf(rawToken(R"({"alg":"HS256","alg":"none"})", validClaims().dump(), key_)), VerifyError::kMalformed);
  EXPECT_EQ(errorOf(rawToken(R"({"alg":"HS256","alg":"HS256"})", validClaims().dump(), key_)), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsDuplicateClaims) {
  const auto payload = R"({"sub":"42","iss":")" + test::kIssuer + R"(","aud":")" + test::kAudience + R"(","exp":)" +
                       std::to_string(test::kNow + 600) + R"(,"sub":"1"})";
  EXPECT_EQ(errorOf(rawToken(kHs256Header.dump(), payload, key_)), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsPaddedBase64) {
  const auto header = base64UrlEncode(R"({"alg":"HS256","ab":1})");  // 22 bytes: would be padded with "=="
  const auto input = header + "==." + base64UrlEncode(validClaims().dump());
  EXPECT_EQ(errorOf(input + "." + base64UrlEncode(key_.sign(input))), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsStandardBase64Characters) {
  auto token = makeToken(kHs256Header, validClaims(), key_);
  token.back() = '+';
  EXPECT_EQ(errorOf(token), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsANonCanonicalSignatureEncoding) {
  // 32 bytes take 43 characters; the last one carries 2 unused bits. Setting one decodes to the same
  // signature, so a lenient decoder would accept a second spelling of the token.
  auto token = makeToken(kHs256Header, validClaims(), key_);
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  token.back() = alphabet[alphabet.find(token.back()) ^ 1U];
  EXPECT_EQ(errorOf(token), VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, RejectsCriticalHeaderExtensions) {
  EXPECT_EQ(errorOf(makeToken({{"alg", "HS256"}, {"crit", {"exp"}}, {"exp", 1}}, validClaims(), key_)),
            VerifyError::kMalformed);
}

TEST_F(JwtVerifierTest, VerifiesFromManyThreadsAtOnce) {
  const auto token = makeToken(kHs256Header, validClaims(), key_);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        if (verifier_.verify(token).ok()) ++accepted;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(accepted.load(), 1000);
}

TEST(JwtVerifier, AcceptsRs256TokensWithThePublicKey) {
  const JwtSigner signer{JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, test::rsaPair().privatePem)};
  const JwtVerifier verifier{JwsKey::fromPublicPem(JwsAlgorithm::kRs256, test::rsaPair().publicPem), testOptions()};
  EXPECT_TRUE(verifier.verify(signer.sign(validClaims())).ok());
}

TEST(JwtVerifier, AcceptsEs256TokensWithThePublicKey) {
  const JwtSigner signer{JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, test::ecPair().privatePem)};
  const JwtVerifier verifier{JwsKey::fromPublicPem(JwsAlgorithm::kEs256, test::ecPair().publicPem), testOptions()};
  EXPECT_TRUE(verifier.verify(signer.sign(validClaims())).ok());
}

TEST(JwtVerifier, RejectsEs256TokensWithADerSignature) {
  const auto key = JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, test::ecPair().privatePem);
  const auto input = base64UrlEncode(json{{"alg", "ES256"}}.dump()) + "." + base64UrlEncode(validClaims().dump());
  const auto der = ecdsaRawToDer(key.sign(input));
  ASSERT_TRUE(der.has_value());
  const JwtVerifier verifier{key, testOptions()};
  const auto result = verifier.verify(input + "." + base64UrlEncode(*der));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), VerifyError::kBadSignature);
}

TEST(JwtVerifier, NamesEveryError) {
  EXPECT_EQ(toString(VerifyError::kAlgMismatch), "alg_mismatch");
  EXPECT_EQ(toString(VerifyError::kUnknownKid), "unknown_kid");
}

}  // namespace
}  // namespace monti::auth::crypto
