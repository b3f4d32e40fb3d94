#include "config/ConfigStore.hpp"

#include "ConfigTestSupport.hpp"
#include "config/CoreConfig.hpp"

#include <monti/config/ConfigError.hpp>

#include <gtest/gtest.h>

#include <string>

namespace monti::config {
namespace {

using testing::makeStore;

template <typename Fn>
std::string configError(Fn check) {
  try {
    check();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

KeySpec spec(std::string key, std::string env, std::string defaultValue = "", bool secret = false) {
  KeySpec s;
  s.key = std::move(key);
  s.env = std::move(env);
  s.type = "string";
  s.defaultValue = std::move(defaultValue);
  s.secret = secret;
  return s;
}

TEST(ConfigStore, DeclareReportsTheOriginOfTheValue) {
  auto store = makeStore("[server]\nhost = a\nport = 1\n", {{"SERVER_PORT", "2"}});
  auto host = store->declare(spec("server.host", "MONTI_SERVER_HOST"));
  auto port = store->declare(spec("server.port", "SERVER_PORT"));
  auto none = store->declare(spec("server.threads", "MONTI_SERVER_THREADS"));
  ASSERT_TRUE(host && port);
  EXPECT_EQ(host->origin, "monti.ini:2");
  EXPECT_EQ(port->value, "2");
  EXPECT_EQ(port->origin, "env SERVER_PORT");
  EXPECT_FALSE(none.has_value());
}

TEST(ConfigStore, UnknownFileKeyIsRejectedWithFileLineAndKey) {
  auto store = makeStore("[server]\nport = 1\nprot = 2\n");
  store->declare(spec("server.port", "SERVER_PORT"));
  EXPECT_EQ(configError([&] { store->rejectUnknownFileKeys(""); }),
            "config: monti.ini:3: unknown key \"server.prot\" (see docs/configuration.md for the keys Monti reads)");
}

TEST(ConfigStore, DeclaredFileKeysAreAccepted) {
  auto store = makeStore("[server]\nport = 1\n");
  store->declare(spec("server.port", "SERVER_PORT"));
  EXPECT_NO_THROW(store->rejectUnknownFileKeys(""));
}

TEST(ConfigStore, UnknownFileKeyCheckIsLimitedToThePrefix) {
  auto store = makeStore("[plugin.agents]\nsize = 1\n[plugin.chat]\ntypo = 2\n");
  store->declare(spec("plugin.agents.size", "MONTI_PLUGIN_AGENTS_SIZE"));
  EXPECT_NO_THROW(store->rejectUnknownFileKeys("plugin.agents."));
  EXPECT_THROW(store->rejectUnknownFileKeys("plugin.chat."), ConfigError);
}

TEST(ConfigStore, UnknownFileKeyCheckSkipsExceptedPrefixes) {
  auto store = makeStore("[plugin.disabled]\nanything = 1\n[server]\nport = 1\n");
  store->declare(spec("server.port", "SERVER_PORT"));
  EXPECT_NO_THROW(store->rejectUnknownFileKeys("", {"plugin.disabled."}));
  EXPECT_THROW(store->rejectUnknownFileKeys("", {"plugin.other."}), ConfigError);
}

TEST(ConfigStore, UnknownMontiEnvironmentVariableIsRejected) {
  auto store = makeStore("", {{"MONTI_SERVER_PROT", "1"}});
  EXPECT_EQ(configError([&] { store->rejectUnknownEnvironment({"MONTI_CONFIG"}); }),
            "config: unknown environment variable MONTI_SERVER_PROT (see docs/configuration.md for the variables "
            "Monti reads)");
}

TEST(ConfigStore, MontiConfigVariableIsAllowedWhenListedAsKnown) {
  auto store = makeStore("", {{"MONTI_CONFIG", "/etc/monti.ini"}});
  EXPECT_NO_THROW(store->rejectUnknownEnvironment(bootstrapEnvironmentNames()));
}

TEST(ConfigStore, DeclaredMontiEnvironmentVariableIsAccepted) {
  auto store = makeStore("", {{"MONTI_SERVER_THREADS", "4"}});
  store->declare(spec("server.threads", "MONTI_SERVER_THREADS"));
  EXPECT_NO_THROW(store->rejectUnknownEnvironment({}));
}

TEST(ConfigStore, OtherEnvironmentVariablesAreIgnored) {
  auto store = makeStore("", {{"PATH", "/bin"}, {"SERVER_PROT", "1"}, {"MONTIX", "1"}});
  EXPECT_NO_THROW(store->rejectUnknownEnvironment({}));
}

TEST(ConfigStore, DisplayValueMasksSecrets) {
  auto store = makeStore("[auth]\njwt_secret = hunter2\n");
  const auto secret = spec("auth.jwt_secret", "JWT_SECRET", "", true);
  store->declare(secret);
  EXPECT_EQ(store->displayValue(secret), "****");
}

TEST(ConfigStore, DisplayValueOfAnUnsetSecretIsEmpty) {
  auto store = makeStore("");
  const auto secret = spec("auth.jwt_secret", "JWT_SECRET", "", true);
  EXPECT_EQ(store->displayValue(secret), "");
}

TEST(ConfigStore, DisplayValueMasksUrlPasswords) {
  auto store = makeStore("", {{"DATABASE_URL", "postgresql://monti:s3cret@db:5432/monti"}});
  const auto url = spec("database.url", "DATABASE_URL");
  EXPECT_EQ(store->displayValue(url), "postgresql://monti:****@db:5432/monti");
}

TEST(ConfigStore, DisplayValueFallsBackToTheDefault) {
  auto store = makeStore("");
  EXPECT_EQ(store->displayValue(spec("server.host", "SERVER_HOST", "127.0.0.1")), "127.0.0.1");
}

TEST(MaskUrlPassword, ReplacesThePassword) {
  EXPECT_EQ(maskUrlPassword("postgresql://u:p@h/db"), "postgresql://u:****@h/db");
}

TEST(MaskUrlPassword, MasksAPasswordWithoutUser) {
  EXPECT_EQ(maskUrlPassword("redis://:s3cret@cache:6379/0"), "redis://:****@cache:6379/0");
}

TEST(MaskUrlPassword, LeavesAUrlWithoutPasswordAlone) {
  EXPECT_EQ(maskUrlPassword("postgresql://u@h:5432/db"), "postgresql://u@h:5432/db");
  EXPECT_EQ(maskUrlPassword("postgresql://h:5432/db"), "postgresql://h:5432/db");
}

TEST(MaskUrlPassword, LeavesTextThatIsNotAUrlAlone) { EXPECT_EQ(maskUrlPassword("user:pass@host"), "user:pass@host"); }

// libpq takes the password as a query parameter too (postgresql://h/db?password=x).
TEST(MaskUrlPassword, MasksAPasswordQueryParameter) {
  EXPECT_EQ(maskUrlPassword("postgresql://u@h/db?password=s3cret").find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace monti::config
