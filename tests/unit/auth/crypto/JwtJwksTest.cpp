// JwtVerifier with a key set from a JWKS, as for an external OIDC identity provider.
#include "auth/crypto/JwtVerifier.hpp"

#include "CryptoTestSupport.hpp"
#include "auth/crypto/JwtSigner.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

using nlohmann::json;
using test::ecPair;
using test::rsaPair;
using test::testOptions;
using test::validClaims;

std::shared_ptr<const KeySet> providerKeys() {
  return std::make_shared<const KeySet>(
      KeySet::fromJwks(json{{"keys", {rsaPair().publicJwk, ecPair().publicJwk}}}.dump()));
}

JwsKey rsaSigningKey() { return JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, rsaPair().privatePem); }

TEST(JwtJwks, AcceptsAnRs256TokenSignedByTheKeyItsKidNames) {
  const JwtVerifier verifier{JwsAlgorithm::kRs256, providerKeys(), testOptions()};
  const auto result = verifier.verify(JwtSigner{rsaSigningKey(), "rsa-1"}.sign(validClaims()));
  ASSERT_TRUE(result.ok()) << toString(result.error());
  EXPECT_EQ(result.value().at("sub"), "42");
}

TEST(JwtJwks, AcceptsAnEs256TokenSignedByTheKeyItsKidNames) {
  const JwtVerifier verifier{JwsAlgorithm::kEs256, providerKeys(), testOptions()};
  const JwtSigner signer{JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, ecPair().privatePem), "ec-1"};
  EXPECT_TRUE(verifier.verify(signer.sign(validClaims())).ok());
}

TEST(JwtJwks, AnUnknownKidAsksForARefetch) {
  const JwtVerifier verifier{JwsAlgorithm::kRs256, providerKeys(), testOptions()};
  const auto result = verifier.verify(JwtSigner{rsaSigningKey(), "rsa-new"}.sign(validClaims()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), VerifyError::kUnknownKid);
}

TEST(JwtJwks, AKidNamingAKeyOfAnotherAlgorithmIsAMismatch) {
  const JwtVerifier verifier{JwsAlgorithm::kEs256, providerKeys(), testOptions()};
  const auto ec = JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, ecPair().privatePem);
  const auto result = verifier.verify(test::makeToken({{"alg", "ES256"}, {"kid", "rsa-1"}}, validClaims(), ec));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), VerifyError::kAlgMismatch);
}

TEST(JwtJwks, RejectsAKidThatIsNotAString) {
  const JwtVerifier verifier{JwsAlgorithm::kRs256, providerKeys(), testOptions()};
  const auto result = verifier.verify(test::makeToken({{"alg", "RS256"}, {"kid", 1}}, validClaims(), rsaSigningKey()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), VerifyError::kMalformed);
}

TEST(JwtJwks, RejectsATokenWhoseKidNamesAnotherKeyOfTheSameType) {
  const auto keys = std::make_shared<const KeySet>(
      KeySet::fromJwks(json{{"keys", {rsaPair().publicJwk, test::otherRsaPair().publicJwk}}}.dump()));
  const JwtVerifier verifier{JwsAlgorithm::kRs256, keys, testOptions()};
  const auto result = verifier.verify(JwtSigner{rsaSigningKey(), "rsa-2"}.sign(validClaims()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), VerifyError::kBadSignature);
}

TEST(JwtJwks, RefusesHs256WithAKeySet) {
  EXPECT_THROW(JwtVerifier(JwsAlgorithm::kHs256, providerKeys(), testOptions()), std::invalid_argument);
}

TEST(JwtJwks, RefusesANullKeySet) {
  EXPECT_THROW(JwtVerifier(JwsAlgorithm::kRs256, nullptr, testOptions()), std::invalid_argument);
}

}  // namespace
}  // namespace monti::auth::crypto
