#include "auth/crypto/EcdsaSignature.hpp"

#include <gtest/gtest.h>

namespace monti::auth::crypto {
namespace {

std::string rawWith(char rFill, char sFill) { return std::string(32, rFill) + std::string(32, sFill); }

TEST(EcdsaSignature, RawToDerAndBackIsTheIdentity) {
  const auto raw = rawWith('\x11', '\x22');
  const auto der = ecdsaRawToDer(raw);
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(ecdsaDerToRaw(*der), raw);
}

TEST(EcdsaSignature, KeepsLeadingZerosOfSmallValues) {
  std::string raw(64, '\0');
  raw[31] = '\x01';  // r = 1
  raw[63] = '\x02';  // s = 2
  const auto der = ecdsaRawToDer(raw);
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(der->size(), 8U);  // SEQUENCE { INTEGER 1, INTEGER 2 }
  EXPECT_EQ(ecdsaDerToRaw(*der), raw);
}

TEST(EcdsaSignature, HighBitValuesGetTheDerSignPadding) {
  const auto der = ecdsaRawToDer(rawWith('\xff', '\xff'));
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(der->size(), 2U + 2 * (2 + 33));
}

TEST(EcdsaSignature, RawMustBeExactlySixtyFourBytes) {
  EXPECT_EQ(ecdsaRawToDer(std::string(63, '\x01')), std::nullopt);
  EXPECT_EQ(ecdsaRawToDer(std::string(65, '\x01')), std::nullopt);
}

TEST(EcdsaSignature, RejectsMalformedDer) {
  EXPECT_EQ(ecdsaDerToRaw("not der"), std::nullopt);
  EXPECT_EQ(ecdsaDerToRaw(""), std::nullopt);
}

TEST(EcdsaSignature, RejectsDerWithTrailingBytes) {
  auto der = ecdsaRawToDer(rawWith('\x11', '\x22'));
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(ecdsaDerToRaw(*der + "x"), std::nullopt);
}

TEST(EcdsaSignature, RejectsValuesWiderThanTheCurve) {
  const auto der = ecdsaRawToDer(std::string(66, '\x11'), 33);
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(ecdsaDerToRaw(*der), std::nullopt);
}

}  // namespace
}  // namespace monti::auth::crypto
