#include "auth/crypto/KeyGen.hpp"

#include "CryptoTestSupport.hpp"
#include "auth/crypto/PemKey.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

TEST(KeyGen, RsaPairExportsPemAndJwk) {
  const auto& pair = test::rsaPair();
  EXPECT_TRUE(pair.privatePem.starts_with("-----BEGIN PRIVATE KEY-----"));
  EXPECT_TRUE(pair.publicPem.starts_with("-----BEGIN PUBLIC KEY-----"));
  EXPECT_EQ(pair.publicJwk.at("kty"), "RSA");
  EXPECT_EQ(pair.publicJwk.at("e"), "AQAB");
  EXPECT_EQ(pair.publicJwk.at("n").get<std::string>().size(), 342U);  // 256 bytes
  EXPECT_EQ(pair.publicJwk.at("kid"), "rsa-1");
  EXPECT_EQ(pair.publicJwk.at("alg"), "RS256");
  EXPECT_EQ(pair.publicJwk.at("use"), "sig");
}

TEST(KeyGen, EcPairExportsPemAndJwk) {
  const auto& pair = test::ecPair();
  EXPECT_NO_THROW(static_cast<void>(loadPrivateKeyPem(pair.privatePem)));
  EXPECT_NO_THROW(static_cast<void>(loadPublicKeyPem(pair.publicPem)));
  EXPECT_EQ(pair.publicJwk.at("kty"), "EC");
  EXPECT_EQ(pair.publicJwk.at("crv"), "P-256");
  EXPECT_EQ(pair.publicJwk.at("x").get<std::string>().size(), 43U);
  EXPECT_EQ(pair.publicJwk.at("y").get<std::string>().size(), 43U);
  EXPECT_EQ(pair.publicJwk.at("alg"), "ES256");
}

TEST(KeyGen, EveryPairIsNew) { EXPECT_NE(generateEcKeyPair("a").privatePem, generateEcKeyPair("a").privatePem); }

TEST(KeyGen, RefusesRsaBelow2048Bits) { EXPECT_THROW(generateRsaKeyPair("k", 1024), std::invalid_argument); }

}  // namespace
}  // namespace monti::auth::crypto
