#include "auth/DataKeyring.hpp"
#include "auth/crypto/Base64.hpp"

#include <monti/config/ConfigError.hpp>

#include <gtest/gtest.h>

namespace monti::auth {
namespace {

std::string key(char fill) { return crypto::base64Encode(std::string(32, fill)); }

TEST(DataKeyring, RoundTripsBoundToItsColumn) {
  DataKeyring keyring("k1:" + key('a'));
  const auto stored = keyring.encrypt("+49 30 1234567", "agents.phone");
  EXPECT_EQ(stored.rfind("v1:k1:", 0), 0u) << stored;
  EXPECT_EQ(stored.find("1234567"), std::string::npos);
  EXPECT_EQ(keyring.decrypt(stored, "agents.phone"), "+49 30 1234567");
  EXPECT_FALSE(keyring.decrypt(stored, "hooks.webhook_url"));
}

TEST(DataKeyring, RotationKeepsOldValuesReadable) {
  DataKeyring before("k1:" + key('a'));
  const auto old = before.encrypt("secret", "t.c");
  DataKeyring after("k2:" + key('b') + ", k1:" + key('a'));
  EXPECT_EQ(after.decrypt(old, "t.c"), "secret");
  EXPECT_EQ(after.encrypt("new", "t.c").rfind("v1:k2:", 0), 0u);
}

TEST(DataKeyring, AcceptsPaddedBase64AsOpensslPrintsIt) { EXPECT_NO_THROW(DataKeyring("k1:" + key('c') + "=")); }

TEST(DataKeyring, MalformedKeyringsAreConfigErrorsWithoutKeyMaterial) {
  const std::vector<std::string> malformed{"", "nokey", ":" + key('a'), "k1:short", "k1:" + key('a').substr(4)};
  for (const auto& bad : malformed) {
    try {
      DataKeyring keyring(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const config::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("data.key"), std::string::npos) << e.what();
      if (bad.size() > 8) {
        EXPECT_EQ(std::string(e.what()).find(bad.substr(3)), std::string::npos) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace monti::auth
