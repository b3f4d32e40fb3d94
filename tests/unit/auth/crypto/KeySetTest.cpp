#include "auth/crypto/KeySet.hpp"

#include "CryptoTestSupport.hpp"
#include "auth/crypto/Jwk.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace monti::auth::crypto {
namespace {

using nlohmann::json;
using test::ecPair;
using test::rsaPair;

std::string jwks(const std::vector<json>& keys) {
  json document;
  document["keys"] = keys;
  return document.dump();
}

TEST(KeySet, FindsRsaAndEcKeysByKid) {
  const auto set = KeySet::fromJwks(jwks({rsaPair().publicJwk, ecPair().publicJwk}));
  EXPECT_EQ(set.size(), 2U);
  ASSERT_NE(set.find("rsa-1"), nullptr);
  ASSERT_NE(set.find("ec-1"), nullptr);
  EXPECT_EQ(set.find("rsa-1")->algorithm(), JwsAlgorithm::kRs256);
  EXPECT_EQ(set.find("ec-1")->algorithm(), JwsAlgorithm::kEs256);
}

TEST(KeySet, JwkKeysVerifyWhatThePrivateKeysSigned) {
  const auto set = KeySet::fromJwks(jwks({rsaPair().publicJwk, ecPair().publicJwk}));
  const auto rsa = JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, rsaPair().privatePem);
  const auto ec = JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, ecPair().privatePem);
  EXPECT_TRUE(set.find("rsa-1")->verify("input", rsa.sign("input")));
  EXPECT_TRUE(set.find("ec-1")->verify("input", ec.sign("input")));
  EXPECT_FALSE(set.find("rsa-1")->verify(
      "input", JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, test::otherRsaPair().privatePem).sign("input")));
}

TEST(KeySet, UnknownKidFindsNothing) {
  const auto set = KeySet::fromJwks(jwks({rsaPair().publicJwk, ecPair().publicJwk}));
  EXPECT_EQ(set.find("rotated-away"), nullptr);
}

TEST(KeySet, SkipsKeysNotForSignatures) {
  auto enc = rsaPair().publicJwk;
  enc["use"] = "enc";
  EXPECT_EQ(KeySet::fromJwks(jwks({enc})).size(), 0U);
}

TEST(KeySet, SkipsUnsupportedKeyTypes) {
  const json oct = {{"kty", "oct"}, {"kid", "k"}, {"k", "c2VjcmV0"}};
  const json okp = {
      {"kty", "OKP"}, {"kid", "o"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};
  const auto set = KeySet::fromJwks(jwks({oct, okp, ecPair().publicJwk}));
  EXPECT_EQ(set.size(), 1U);
  EXPECT_NE(set.find("ec-1"), nullptr);
}

TEST(KeySet, SkipsKeysWhoseAlgDoesNotFitTheirType) {
  auto rsa = rsaPair().publicJwk;
  rsa["alg"] = "ES256";
  auto rs384 = rsaPair().publicJwk;
  rs384["alg"] = "RS384";
  EXPECT_EQ(KeySet::fromJwks(jwks({rsa, rs384})).size(), 0U);
}

TEST(KeySet, InfersTheAlgorithmWhenAlgIsAbsent) {
  auto ec = ecPair().publicJwk;
  ec.erase("alg");
  ec.erase("use");
  const auto set = KeySet::fromJwks(jwks({ec}));
  ASSERT_NE(set.find("ec-1"), nullptr);
  EXPECT_EQ(set.find("ec-1")->algorithm(), JwsAlgorithm::kEs256);
}

TEST(KeySet, SkipsMalformedKeysButKeepsTheRest) {
  auto badN = rsaPair().publicJwk;
  badN["kid"] = "bad-n";
  badN["n"] = "not base64!";
  auto offCurve = ecPair().publicJwk;
  offCurve["kid"] = "off-curve";
  offCurve["y"] = offCurve["x"];
  auto wrongCurve = ecPair().publicJwk;
  wrongCurve["kid"] = "p384";
  wrongCurve["crv"] = "P-384";
  const auto set = KeySet::fromJwks(jwks({badN, offCurve, wrongCurve, rsaPair().publicJwk, "not an object"}));
  EXPECT_EQ(set.size(), 1U);
  EXPECT_NE(set.find("rsa-1"), nullptr);
}

TEST(KeySet, ASingleKeyWithoutKidMatchesTokensWithoutKid) {
  auto anonymous = ecPair().publicJwk;
  anonymous.erase("kid");
  const auto set = KeySet::fromJwks(jwks({anonymous}));
  EXPECT_NE(set.find(""), nullptr);
  EXPECT_EQ(set.find("ec-1"), nullptr);
}

TEST(KeySet, TokensWithoutKidFindNothingAmongSeveralKeys) {
  const auto set = KeySet::fromJwks(jwks({rsaPair().publicJwk, ecPair().publicJwk}));
  EXPECT_EQ(set.find(""), nullptr);
}

TEST(KeySet, RefusesDocumentsThatAreNotAJwks) {
  EXPECT_THROW(KeySet::fromJwks("not json"), std::invalid_argument);
  EXPECT_THROW(KeySet::fromJwks("[]"), std::invalid_argument);
  EXPECT_THROW(KeySet::fromJwks(R"({"keys": {}})"), std::invalid_argument);
}

TEST(Jwk, RsaRoundTripsThroughTheJwkForm) {
  const auto key = publicKeyFromJwk(rsaPair().publicJwk);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(publicJwk(key->get(), "rsa-1", JwsAlgorithm::kRs256), rsaPair().publicJwk);
}

TEST(Jwk, EcRoundTripsThroughTheJwkForm) {
  const auto key = publicKeyFromJwk(ecPair().publicJwk);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(publicJwk(key->get(), "ec-1", JwsAlgorithm::kEs256), ecPair().publicJwk);
}

TEST(Jwk, EcCoordinatesMustBeThirtyTwoBytes) {
  auto jwk = ecPair().publicJwk;
  jwk["x"] = base64UrlEncode(std::string(31, '\x01'));
  EXPECT_FALSE(publicKeyFromJwk(jwk).has_value());
}

}  // namespace
}  // namespace monti::auth::crypto
