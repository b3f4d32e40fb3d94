#include "auth/crypto/Digest.hpp"

#include <gtest/gtest.h>

namespace monti::auth::crypto {
namespace {

TEST(Digest, Sha256HexMatchesTheFips180Vector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, Sha256IsThirtyTwoRawBytes) { EXPECT_EQ(sha256("abc").size(), 32U); }

TEST(Digest, HmacSha256MatchesRfc4231TestCase1) {
  EXPECT_EQ(toHex(hmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Digest, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(toHex(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Digest, HmacSha256AcceptsAnEmptyKey) {
  EXPECT_EQ(toHex(hmacSha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Digest, KeyedHmacMatchesRfc4231TestCase6WithAKeyLongerThanTheBlock) {
  const HmacSha256Key key(std::string(131, '\xaa'));
  EXPECT_EQ(toHex(key.sign("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Digest, KeyedHmacMatchesTheOneShotHmacForEveryKeyLengthAroundTheBlock) {
  const std::string data = "header.payload";
  for (const std::size_t length : {0U, 1U, 32U, 63U, 64U, 65U, 200U}) {
    const std::string secret(length, 'k');
    const HmacSha256Key key(secret);
    EXPECT_EQ(key.sign(data), hmacSha256(secret, data)) << "key of " << length << " bytes";
    EXPECT_EQ(key.sign(data), key.sign(data)) << "signing twice must not disturb the kept key state";
  }
}

TEST(Digest, ConstantTimeEqualsComparesContent) {
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_TRUE(constantTimeEquals("", ""));
}

TEST(Digest, ConstantTimeEqualsRejectsDifferentLengths) {
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(constantTimeEquals("", "x"));
}

TEST(Digest, ToHexIsLowercaseTwoDigitsPerByte) { EXPECT_EQ(toHex(std::string{"\x00\xab\xff", 3}), "00abff"); }

}  // namespace
}  // namespace monti::auth::crypto
