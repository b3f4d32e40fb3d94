#include "auth/crypto/Base64.hpp"

#include <gtest/gtest.h>

namespace monti::auth::crypto {
namespace {

TEST(Base64, EncodesTheRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64UrlEncode(""), "");
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UrlAlphabetUsesDashAndUnderscore) {
  EXPECT_EQ(base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64Encode("\xfb\xff\xbf"), "+/+/");
}

TEST(Base64, DecodesWhatItEncodesForEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(bytes)), bytes);
    EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes);
  }
}

TEST(Base64, RejectsPadding) {
  EXPECT_EQ(base64UrlDecode("Zg=="), std::nullopt);
  EXPECT_EQ(base64Decode("Zg=="), std::nullopt);
}

TEST(Base64, RejectsCharactersOfTheOtherAlphabet) {
  EXPECT_EQ(base64UrlDecode("+/+/"), std::nullopt);
  EXPECT_EQ(base64Decode("-_-_"), std::nullopt);
}

TEST(Base64, RejectsWhitespaceAndControlCharacters) {
  EXPECT_EQ(base64UrlDecode("Zm9v Yg"), std::nullopt);
  EXPECT_EQ(base64UrlDecode("Zm9v\nYg"), std::nullopt);
  EXPECT_EQ(base64UrlDecode(std::string_view{"Zm\0v", 4}), std::nullopt);
}

TEST(Base64, RejectsALengthNoEncodingProduces) {
  EXPECT_EQ(base64UrlDecode("Z"), std::nullopt);
  EXPECT_EQ(base64UrlDecode("Zm9vY"), std::nullopt);
}

TEST(Base64, RejectsNonZeroTrailingBits) {
  EXPECT_EQ(base64UrlDecode("Zg"), "f");
  EXPECT_EQ(base64UrlDecode("Zh"), std::nullopt);  // same byte, a different (non-canonical) spelling
  EXPECT_EQ(base64UrlDecode("Zm9"), std::nullopt);
}

TEST(Base64, DecodesTheEmptyString) { EXPECT_EQ(base64UrlDecode(""), ""); }

}  // namespace
}  // namespace monti::auth::crypto
