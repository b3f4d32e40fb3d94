#include "auth/crypto/PasswordHasher.hpp"

#include "auth/crypto/Base64.hpp"
#include "auth/crypto/PhcString.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

constexpr std::uint32_t kFast = 1000;

// PBKDF2-HMAC-SHA256("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096), first 32 bytes:
// the SHA-256 counterpart of RFC 6070's fifth vector.
constexpr std::string_view kKnownPhc =
    "$pbkdf2-sha256$i=4096$c2FsdFNBTFRzYWx0U0FMVHNhbHRTQUxUc2FsdFNBTFRzYWx0$"
    "NIyJ28vTKy8y2BS4EW6EzysXNH68GAAYHE4qH7jdU+E";

TEST(PasswordHasher, DefaultsToOwaspsIterationCount) { EXPECT_EQ(PasswordHasher{}.iterations(), 600'000U); }

TEST(PasswordHasher, HashIsAPhcStringWithSaltAndHashSizes) {
  const auto phc = PasswordHasher{kFast}.hash("correct horse");
  EXPECT_TRUE(phc.starts_with("$pbkdf2-sha256$i=1000$")) << phc;
  const auto parsed = Pbkdf2Phc::parse(phc);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->iterations, kFast);
  EXPECT_EQ(parsed->salt.size(), 16U);
  EXPECT_EQ(parsed->hash.size(), 32U);
}

TEST(PasswordHasher, VerifiesTheRightPassword) {
  const PasswordHasher hasher{kFast};
  EXPECT_TRUE(hasher.verify("correct horse", hasher.hash("correct horse")));
}

TEST(PasswordHasher, RejectsAWrongPassword) {
  const PasswordHasher hasher{kFast};
  EXPECT_FALSE(hasher.verify("correct hors", hasher.hash("correct horse")));
}

TEST(PasswordHasher, SaltsEveryHash) {
  const PasswordHasher hasher{kFast};
  EXPECT_NE(hasher.hash("same"), hasher.hash("same"));
}

TEST(PasswordHasher, VerifiesAKnownPbkdf2HmacSha256Vector) {
  const PasswordHasher hasher{kFast};
  EXPECT_TRUE(hasher.verify("passwordPASSWORDpassword", kKnownPhc));
  EXPECT_FALSE(hasher.verify("passwordPASSWORDpassworD", kKnownPhc));
}

TEST(PasswordHasher, VerifiesWithTheStoredIterationsNotTheConfiguredOnes) {
  const auto phc = PasswordHasher{kFast}.hash("pw");
  EXPECT_TRUE(PasswordHasher{2 * kFast}.verify("pw", phc));
}

TEST(PasswordHasher, HandlesEmptyAndBinaryPasswords) {
  const PasswordHasher hasher{kFast};
  const std::string binary{"a\0b", 3};
  EXPECT_TRUE(hasher.verify("", hasher.hash("")));
  EXPECT_TRUE(hasher.verify(binary, hasher.hash(binary)));
  EXPECT_FALSE(hasher.verify("a", hasher.hash(binary)));
}

std::string withIterations(std::string_view iterations) {
  std::string phc{kKnownPhc};
  return phc.replace(phc.find("4096"), 4, iterations);
}

// Each string differs from kKnownPhc in one detail, and is checked with kKnownPhc's right password.
TEST(PasswordHasher, RejectsMalformedPhcStringsWithoutThrowing) {
  const PasswordHasher hasher{kFast};
  const std::string known{kKnownPhc};
  const std::string password = "passwordPASSWORDpassword";
  ASSERT_TRUE(hasher.verify(password, known));
  for (const std::string& bad :
       {std::string{}, std::string{"$pbkdf2-sha256$"}, known + "$", known + "=", known.substr(0, known.size() - 1),
        known.substr(1), withIterations("x"), withIterations("04096"), withIterations("+4096"), withIterations(""),
        withIterations("4096 "), std::string{known}.replace(known.find("$i="), 3, "$n=")}) {
    EXPECT_FALSE(hasher.verify(password, bad)) << bad;
  }
}

TEST(PasswordHasher, RejectsUnknownAlgorithms) {
  const PasswordHasher hasher{kFast};
  auto phc = hasher.hash("pw");
  phc.replace(0, std::string_view{"$pbkdf2-sha256"}.size(), "$pbkdf2-sha512");
  EXPECT_FALSE(hasher.verify("pw", phc));
  EXPECT_FALSE(hasher.verify("pw", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
}

TEST(PasswordHasher, RejectsAbsurdStoredIterationCounts) {
  // A tampered row must not make one login burn minutes of CPU.
  const PasswordHasher hasher{kFast};
  EXPECT_FALSE(hasher.verify("passwordPASSWORDpassword", withIterations("100000001")));
  EXPECT_FALSE(hasher.verify("passwordPASSWORDpassword", withIterations("99999999999")));
}

TEST(PasswordHasher, NeedsRehashBelowTheConfiguredCost) {
  const auto phc = PasswordHasher{kFast}.hash("pw");
  EXPECT_TRUE(PasswordHasher{2 * kFast}.needsRehash(phc));
}

TEST(PasswordHasher, NoRehashAtOrAboveTheConfiguredCost) {
  const auto phc = PasswordHasher{2 * kFast}.hash("pw");
  EXPECT_FALSE(PasswordHasher{2 * kFast}.needsRehash(phc));
  EXPECT_FALSE(PasswordHasher{kFast}.needsRehash(phc));
}

TEST(PasswordHasher, NeedsRehashForAnUnparsableHash) { EXPECT_TRUE(PasswordHasher{kFast}.needsRehash("legacy")); }

// Loose on purpose (a third): it catches a dummyVerify that skips the work, not scheduler noise.
TEST(PasswordHasher, DummyVerifyTakesAsLongAsARealVerify) {
  const PasswordHasher hasher{50'000};
  const auto phc = hasher.hash("pw");
  const auto fastest = [](const auto& run) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      run();
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return best;
  };
  const auto verify = fastest([&] { EXPECT_FALSE(hasher.verify("wrong", phc)); });
  const auto dummy = fastest([&] { hasher.dummyVerify("wrong"); });
  EXPECT_GT(dummy * 3, verify);
}

TEST(PasswordHasher, RefusesZeroIterations) { EXPECT_THROW(PasswordHasher{0}, std::invalid_argument); }

TEST(PhcString, FormatsAndParsesRoundTrip) {
  const Pbkdf2Phc phc{1234, std::string(16, 's'), std::string(32, 'h')};
  const auto parsed = Pbkdf2Phc::parse(phc.format());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->iterations, 1234U);
  EXPECT_EQ(parsed->salt, phc.salt);
  EXPECT_EQ(parsed->hash, phc.hash);
}

TEST(PhcString, UsesUnpaddedStandardBase64) {
  const Pbkdf2Phc phc{1, std::string(8, '\xfb'), std::string(16, '\xff')};
  EXPECT_EQ(phc.format(), "$pbkdf2-sha256$i=1$+/v7+/v7+/s$/////////////////////w");
}

TEST(PhcString, RejectsHashesShorterThanSha256) {
  EXPECT_FALSE(Pbkdf2Phc::parse(Pbkdf2Phc{1, std::string(16, 's'), std::string(31, 'h')}.format()).has_value());
}

TEST(PhcString, RejectsTooShortSalts) {
  EXPECT_FALSE(Pbkdf2Phc::parse(Pbkdf2Phc{1, "short", std::string(32, 'h')}.format()).has_value());
}

}  // namespace
}  // namespace monti::auth::crypto
