#include "auth/crypto/Random.hpp"

#include "auth/crypto/Base64.hpp"

#include <gtest/gtest.h>

#include <set>

namespace monti::auth::crypto {
namespace {

TEST(Random, RandomBytesHasTheRequestedLength) {
  EXPECT_EQ(randomBytes(0).size(), 0U);
  EXPECT_EQ(randomBytes(12).size(), 12U);
}

TEST(Random, RandomTokenIsThirtyTwoBytesOfBase64Url) {
  const auto token = randomToken();
  EXPECT_EQ(token.size(), 43U);
  const auto decoded = base64UrlDecode(token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 32U);
}

TEST(Random, RandomTokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(randomToken());
  EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
}  // namespace monti::auth::crypto

namespace monti::auth::crypto {
namespace {

TEST(Random, UuidIsVersion4InItsTextForm) {
  const auto uuid = randomUuid();
  ASSERT_EQ(uuid.size(), 36U);
  for (const std::size_t dash : {8U, 13U, 18U, 23U})
    EXPECT_EQ(uuid[dash], '-') << uuid;
  EXPECT_EQ(uuid[14], '4') << uuid;
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
  EXPECT_NE(randomUuid(), uuid);
}

}  // namespace
}  // namespace monti::auth::crypto
