#include "auth/HashingPasswords.hpp"

#include <monti/http/Errors.hpp>

#include <gtest/gtest.h>

namespace monti::auth {
namespace {

TEST(HashingPasswordsTest, HashesWithTheCoreHasherAndItsRules) {
  const crypto::PasswordHasher hasher(1000);
  const HashingPasswords passwords(hasher);
  const auto phc = passwords.hash("Secret123", "password");
  EXPECT_TRUE(hasher.verify("Secret123", phc));
  EXPECT_FALSE(hasher.verify("secret123", phc));
  try {
    (void)passwords.hash("short", "newPassword");
    FAIL() << "a 5-character password was accepted";
  } catch (const http::BadRequest& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.details().at(0).field, "newPassword");
  }
}

}  // namespace
}  // namespace monti::auth
