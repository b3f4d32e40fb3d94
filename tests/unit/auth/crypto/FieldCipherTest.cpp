#include "auth/crypto/FieldCipher.hpp"

#include "auth/crypto/Base64.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

const std::string kKeyA(32, 'a');
const std::string kKeyB(32, 'b');
constexpr std::string_view kColumn = "agents.phone";

FieldCipher cipherWith(const std::string& currentId) { return FieldCipher{{{"k1", kKeyA}, {"k2", kKeyB}}, currentId}; }

bool refusedFor(const Result<std::string, DecryptError>& result, DecryptError expected) {
  return !result.ok() && result.error() == expected;
}

/// `stored` with one byte of its binary part flipped at `index` (negative counts from the end).
std::string flipByte(const std::string& stored, long index) {
  const auto prefixEnd = stored.rfind(':') + 1;
  auto blob = base64UrlDecode(std::string_view{stored}.substr(prefixEnd)).value();
  const auto at = index < 0 ? blob.size() - static_cast<std::size_t>(-index) : static_cast<std::size_t>(index);
  blob[at] = static_cast<char>(blob[at] ^ 0x01);
  return stored.substr(0, prefixEnd) + base64UrlEncode(blob);
}

TEST(FieldCipher, DecryptsWhatItEncrypts) {
  const auto cipher = cipherWith("k1");
  const auto result = cipher.decrypt(cipher.encrypt("+49 30 1234567", kColumn), kColumn);
  ASSERT_TRUE(result.ok()) << toString(result.error());
  EXPECT_EQ(result.value(), "+49 30 1234567");
}

TEST(FieldCipher, RoundTripsEmptyAndBinaryValues) {
  const auto cipher = cipherWith("k1");
  const std::string binary{"\0\xff\x01", 3};
  EXPECT_EQ(cipher.decrypt(cipher.encrypt("", kColumn), kColumn).value(), "");
  EXPECT_EQ(cipher.decrypt(cipher.encrypt(binary, kColumn), kColumn).value(), binary);
}

TEST(FieldCipher, WritesVersionKeyIdAndNonceCiphertextTag) {
  const auto stored = cipherWith("k2").encrypt("hello", kColumn);
  ASSERT_TRUE(stored.starts_with("v1:k2:")) << stored;
  const auto blob = base64UrlDecode(std::string_view{stored}.substr(6));
  ASSERT_TRUE(blob.has_value());
  EXPECT_EQ(blob->size(), 12U + 5U + 16U);
  EXPECT_EQ(blob->find("hello"), std::string::npos);
}

TEST(FieldCipher, UsesAFreshNonceEveryTime) {
  const auto cipher = cipherWith("k1");
  EXPECT_NE(cipher.encrypt("same", kColumn), cipher.encrypt("same", kColumn));
}

TEST(FieldCipher, OldValuesStillDecryptAfterRotation) {
  const auto stored = cipherWith("k1").encrypt("before rotation", kColumn);
  const auto rotated = cipherWith("k2");
  EXPECT_TRUE(rotated.encrypt("after", kColumn).starts_with("v1:k2:"));
  EXPECT_EQ(rotated.decrypt(stored, kColumn).value(), "before rotation");
}

TEST(FieldCipher, RejectsAValueUnderARetiredKey) {
  const auto stored = cipherWith("k1").encrypt("secret", kColumn);
  const FieldCipher withoutK1{{{"k2", kKeyB}}, "k2"};
  EXPECT_TRUE(refusedFor(withoutK1.decrypt(stored, kColumn), DecryptError::kUnknownKey));
}

TEST(FieldCipher, DetectsATamperedCiphertext) {
  const auto cipher = cipherWith("k1");
  const auto stored = cipher.encrypt("secret value", kColumn);
  EXPECT_TRUE(refusedFor(cipher.decrypt(flipByte(stored, 12), kColumn), DecryptError::kTampered));
}

TEST(FieldCipher, DetectsATamperedNonce) {
  const auto cipher = cipherWith("k1");
  const auto stored = cipher.encrypt("secret value", kColumn);
  EXPECT_TRUE(refusedFor(cipher.decrypt(flipByte(stored, 0), kColumn), DecryptError::kTampered));
}

TEST(FieldCipher, DetectsATamperedTag) {
  const auto cipher = cipherWith("k1");
  const auto stored = cipher.encrypt("secret value", kColumn);
  EXPECT_TRUE(refusedFor(cipher.decrypt(flipByte(stored, -1), kColumn), DecryptError::kTampered));
}

TEST(FieldCipher, RejectsAValueMovedToAnotherColumn) {
  const auto cipher = cipherWith("k1");
  const auto stored = cipher.encrypt("+49 30 1234567", "agents.phone");
  EXPECT_TRUE(refusedFor(cipher.decrypt(stored, "hooks.webhook_url"), DecryptError::kTampered));
}

TEST(FieldCipher, RejectsAValueRelabelledWithAnotherKeyId) {
  // Both keys equal, so only the key id bound into the tag can tell the values apart.
  const FieldCipher cipher{{{"k1", kKeyA}, {"k2", kKeyA}}, "k1"};
  auto stored = cipher.encrypt("secret", kColumn);
  stored.replace(0, 6, "v1:k2:");
  EXPECT_TRUE(refusedFor(cipher.decrypt(stored, kColumn), DecryptError::kTampered));
}

TEST(FieldCipher, RejectsMalformedValues) {
  const auto cipher = cipherWith("k1");
  const auto good = cipher.encrypt("x", kColumn);
  for (const std::string& bad :
       {std::string{}, std::string{"plain text"}, std::string{"v1:k1"}, std::string{"v2"} + good.substr(2),
        std::string{"v1::"} + good.substr(6), good + "=", good + "!",
        std::string{"v1:k1:"} + base64UrlEncode(std::string(27, 'x')), std::string{"v1:k 1:"} + good.substr(6)}) {
    EXPECT_TRUE(refusedFor(cipher.decrypt(bad, kColumn), DecryptError::kMalformed)) << bad;
  }
}

TEST(FieldCipher, RefusesKeysThatAreNot32Bytes) {
  EXPECT_THROW(FieldCipher({{"k1", std::string(16, 'x')}}, "k1"), std::invalid_argument);
}

TEST(FieldCipher, KeyErrorsNameTheIdButNotTheKey) {
  try {
    [[maybe_unused]] const FieldCipher cipher({{"k1", "tooshort-secret"}}, "k1");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string{e.what()}.find("k1"), std::string::npos);
    EXPECT_EQ(std::string{e.what()}.find("tooshort-secret"), std::string::npos);
  }
}

TEST(FieldCipher, RefusesACurrentIdOutsideTheKeyring) {
  EXPECT_THROW(FieldCipher({{"k1", kKeyA}}, "k2"), std::invalid_argument);
}

TEST(FieldCipher, RefusesKeyIdsThatWouldBreakTheFormat) {
  EXPECT_THROW(FieldCipher({{"k:1", kKeyA}}, "k:1"), std::invalid_argument);
  EXPECT_THROW(FieldCipher({{"", kKeyA}}, ""), std::invalid_argument);
}

}  // namespace
}  // namespace monti::auth::crypto
