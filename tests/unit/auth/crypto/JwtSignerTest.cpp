#include "auth/crypto/JwtSigner.hpp"

#include "CryptoTestSupport.hpp"
#include "auth/crypto/StrictJson.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

using nlohmann::json;

json headerOf(const std::string& token) {
  const auto text = base64UrlDecode(std::string_view{token}.substr(0, token.find('.')));
  EXPECT_TRUE(text.has_value());
  return json::parse(text.value_or("{}"));
}

TEST(JwtSigner, WritesAlgTypAndKidIntoTheHeader) {
  const JwtSigner signer{JwsKey::hmac(test::kHmacSecret), "k1"};
  EXPECT_EQ(headerOf(signer.sign({{"sub", "1"}})), (json{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "k1"}}));
}

TEST(JwtSigner, LeavesKidOutWhenNoneIsGiven) {
  const JwtSigner signer{JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, test::ecPair().privatePem)};
  EXPECT_EQ(headerOf(signer.sign({{"sub", "1"}})), (json{{"alg", "ES256"}, {"typ", "JWT"}}));
}

TEST(JwtSigner, PayloadIsTheClaims) {
  const JwtSigner signer{JwsKey::hmac(test::kHmacSecret)};
  const auto token = signer.sign(test::validClaims());
  const auto first = token.find('.');
  const auto payload = base64UrlDecode(std::string_view{token}.substr(first + 1, token.rfind('.') - first - 1));
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(json::parse(*payload), test::validClaims());
}

TEST(JwtSigner, TokensVerifyWithTheSameKey) {
  const auto key = JwsKey::hmac(test::kHmacSecret);
  EXPECT_TRUE(JwtVerifier(key, test::testOptions()).verify(JwtSigner{key}.sign(test::validClaims())).ok());
}

TEST(JwtSigner, RefusesAPublicOnlyKey) {
  EXPECT_THROW(JwtSigner(JwsKey::fromPublicPem(JwsAlgorithm::kRs256, test::rsaPair().publicPem)),
               std::invalid_argument);
}

TEST(JwtSigner, RefusesClaimsThatAreNotAnObject) {
  const JwtSigner signer{JwsKey::hmac(test::kHmacSecret)};
  EXPECT_THROW(static_cast<void>(signer.sign(json::array({1}))), std::invalid_argument);
}

TEST(StrictJson, ParsesAnObject) {
  const auto parsed = parseStrictJsonObject(R"({"a":{"b":1},"c":[{"b":2},{"b":3}]})");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->at("c").at(1).at("b"), 3);
}

TEST(StrictJson, AllowsTheSameNameInDifferentObjects) {
  EXPECT_TRUE(parseStrictJsonObject(R"({"a":{"a":{"a":1}},"b":{"a":2}})").has_value());
}

TEST(StrictJson, RejectsDuplicateNamesAtAnyDepth) {
  EXPECT_FALSE(parseStrictJsonObject(R"({"a":1,"a":1})").has_value());
  EXPECT_FALSE(parseStrictJsonObject(R"({"x":[{"a":1,"b":2,"a":3}]})").has_value());
}

TEST(StrictJson, RejectsNonObjectsAndInvalidJson) {
  EXPECT_FALSE(parseStrictJsonObject("[]").has_value());
  EXPECT_FALSE(parseStrictJsonObject("\"x\"").has_value());
  EXPECT_FALSE(parseStrictJsonObject("{").has_value());
  EXPECT_FALSE(parseStrictJsonObject("").has_value());
  EXPECT_FALSE(parseStrictJsonObject("{\"a\":\"\xff\"}").has_value());
}

}  // namespace
}  // namespace monti::auth::crypto
