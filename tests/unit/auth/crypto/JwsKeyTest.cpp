#include "auth/crypto/JwsKey.hpp"

#include "CryptoTestSupport.hpp"
#include "auth/crypto/EcdsaSignature.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

using test::ecPair;
using test::kHmacSecret;
using test::rsaPair;

TEST(JwsKey, Hs256SignsWithHmacSha256) {
  const auto key = JwsKey::hmac(kHmacSecret);
  EXPECT_EQ(key.sign("input").size(), 32U);
  EXPECT_TRUE(key.verify("input", key.sign("input")));
}

TEST(JwsKey, Hs256RefusesSecretsShorterThan32Bytes) {
  EXPECT_THROW(JwsKey::hmac(std::string(31, 'k')), std::invalid_argument);
}

TEST(JwsKey, Rs256SignsAndTheMatchingPublicKeyVerifies) {
  const auto signer = JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, rsaPair().privatePem);
  const auto verifier = JwsKey::fromPublicPem(JwsAlgorithm::kRs256, rsaPair().publicPem);
  const auto signature = signer.sign("input");
  EXPECT_EQ(signature.size(), 256U);
  EXPECT_TRUE(verifier.verify("input", signature));
  EXPECT_FALSE(verifier.verify("inpuT", signature));
}

TEST(JwsKey, Es256SignaturesAreRawSixtyFourBytes) {
  const auto signer = JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, ecPair().privatePem);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(signer.sign("input " + std::to_string(i)).size(), 64U);
}

TEST(JwsKey, Es256VerifiesRawSignatures) {
  const auto signer = JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, ecPair().privatePem);
  const auto verifier = JwsKey::fromPublicPem(JwsAlgorithm::kEs256, ecPair().publicPem);
  EXPECT_TRUE(verifier.verify("input", signer.sign("input")));
  EXPECT_FALSE(verifier.verify("other", signer.sign("input")));
}

TEST(JwsKey, Es256RefusesDerEncodedSignatures) {
  const auto signer = JwsKey::fromPrivatePem(JwsAlgorithm::kEs256, ecPair().privatePem);
  const auto der = ecdsaRawToDer(signer.sign("input"));
  ASSERT_TRUE(der.has_value());
  EXPECT_FALSE(signer.verify("input", *der));
}

TEST(JwsKey, PublicKeysCannotSign) {
  const auto verifier = JwsKey::fromPublicPem(JwsAlgorithm::kRs256, rsaPair().publicPem);
  EXPECT_FALSE(verifier.canSign());
  EXPECT_THROW(static_cast<void>(verifier.sign("input")), std::logic_error);
}

TEST(JwsKey, UnparsablePemThrowsInvalidArgument) {
  EXPECT_THROW(JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, "-----BEGIN PRIVATE KEY-----\nAAAA\n"),
               std::invalid_argument);
  EXPECT_THROW(JwsKey::fromPublicPem(JwsAlgorithm::kRs256, "garbage"), std::invalid_argument);
}

TEST(JwsKey, PemErrorsDoNotEchoTheKey) {
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
  try {
    static_cast<void>(JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, pem));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string{e.what()}.find("c2VjcmV0"), std::string::npos);
  }
}

TEST(JwsKey, RefusesAKeyOfTheWrongTypeForTheAlgorithm) {
  EXPECT_THROW(JwsKey::fromPublicPem(JwsAlgorithm::kEs256, rsaPair().publicPem), std::invalid_argument);
  EXPECT_THROW(JwsKey::fromPublicPem(JwsAlgorithm::kRs256, ecPair().publicPem), std::invalid_argument);
  EXPECT_THROW(JwsKey::fromPublicPem(JwsAlgorithm::kHs256, rsaPair().publicPem), std::invalid_argument);
}

TEST(JwsKey, RefusesRsaKeysBelow2048Bits) {
  PkeyPtr small{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024})};
  ASSERT_NE(small, nullptr);
  EXPECT_THROW(JwsKey::fromPublicKey(JwsAlgorithm::kRs256, share(std::move(small))), std::invalid_argument);
}

TEST(JwsKey, RefusesEcKeysOffP256) {
  PkeyPtr p384{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")};
  ASSERT_NE(p384, nullptr);
  EXPECT_THROW(JwsKey::fromPublicKey(JwsAlgorithm::kEs256, share(std::move(p384))), std::invalid_argument);
}

TEST(JwsKey, AnotherKeysSignatureDoesNotVerify) {
  const auto signer = JwsKey::fromPrivatePem(JwsAlgorithm::kRs256, test::otherRsaPair().privatePem);
  const auto verifier = JwsKey::fromPublicPem(JwsAlgorithm::kRs256, rsaPair().publicPem);
  EXPECT_FALSE(verifier.verify("input", signer.sign("input")));
}

}  // namespace
}  // namespace monti::auth::crypto
