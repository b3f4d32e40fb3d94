#include "config/ConfigSection.hpp"

#include "ConfigTestSupport.hpp"

#include <monti/config/ConfigError.hpp>

#include <gtest/gtest.h>

#include <string>

namespace monti::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::makeStore;

// The message of the ConfigError `read` throws, or "" when it does not throw.
template <typename Fn>
std::string configError(Fn read) {
  try {
    read();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigSection, DefaultAppliesWhenNeitherFileNorEnvironmentSetsTheKey) {
  auto store = makeStore("");
  ConfigSection section(*store, "server");
  EXPECT_EQ(section.integer("threads", 64, 2, 4096, {.help = "h"}), 64);
}

TEST(ConfigSection, FileOverridesDefault) {
  auto store = makeStore("[server]\nthreads = 8\n");
  ConfigSection section(*store, "server");
  EXPECT_EQ(section.integer("threads", 64, 2, 4096, {.help = "h"}), 8);
}

TEST(ConfigSection, EnvironmentOverridesFile) {
  auto store = makeStore("[server]\nthreads = 8\n", {{"MONTI_SERVER_THREADS", "16"}});
  ConfigSection section(*store, "server");
  EXPECT_EQ(section.integer("threads", 64, 2, 4096, {.help = "h"}), 16);
}

TEST(ConfigSection, ExplicitEnvironmentNameOverridesFile) {
  auto store = makeStore("[server]\nport = 9000\n", {{"SERVER_PORT", "9100"}});
  ConfigSection section(*store, "server");
  EXPECT_EQ(section.integer("port", 8080, 0, 65535, {.help = "h", .env = "SERVER_PORT"}), 9100);
}

TEST(ConfigSection, DerivedEnvironmentNameIsUppercasedWithUnderscores) {
  EXPECT_EQ(derivedEnvName("plugin.agents.cache_size"), "MONTI_PLUGIN_AGENTS_CACHE_SIZE");
}

TEST(ConfigSection, BadIntegerNamesKeyOriginAndExpectation) {
  auto store = makeStore("", {{"SERVER_PORT", "80a"}});
  ConfigSection section(*store, "server");
  EXPECT_EQ(configError([&] { section.integer("port", 8080, 0, 65535, {.help = "h", .env = "SERVER_PORT"}); }),
            "config: server.port = \"80a\" (env SERVER_PORT): expected an integer 0..65535");
}

TEST(ConfigSection, IntegerOutOfRangeNamesFileAndLine) {
  auto store = makeStore("[server]\n\nthreads = 1\n");
  ConfigSection section(*store, "server");
  EXPECT_EQ(configError([&] { section.integer("threads", 64, 2, 4096, {.help = "h"}); }),
            "config: server.threads = \"1\" (monti.ini:3): expected an integer 2..4096");
}

TEST(ConfigSection, EmptyIntegerIsRejected) {
  auto store = makeStore("[server]\nthreads =\n");
  ConfigSection section(*store, "server");
  EXPECT_THROW(section.integer("threads", 64, 2, 4096, {.help = "h"}), ConfigError);
}

TEST(ConfigSection, BooleanAcceptsCommonSpellings) {
  auto store = makeStore("[a]\nt1 = true\nt2 = 1\nt3 = yes\nt4 = on\nf1 = false\nf2 = 0\nf3 = no\nf4 = off\n");
  ConfigSection section(*store, "a");
  for (const char* key : {"t1", "t2", "t3", "t4"})
    EXPECT_TRUE(section.boolean(key, false, {.help = "h"})) << key;
  for (const char* key : {"f1", "f2", "f3", "f4"})
    EXPECT_FALSE(section.boolean(key, true, {.help = "h"})) << key;
}

TEST(ConfigSection, BadBooleanNamesKeyAndExpectation) {
  auto store = makeStore("", {{"METRICS_ENABLED", "maybe"}});
  ConfigSection section(*store, "metrics");
  EXPECT_EQ(configError([&] { section.boolean("enabled", true, {.help = "h", .env = "METRICS_ENABLED"}); }),
            "config: metrics.enabled = \"maybe\" (env METRICS_ENABLED): expected true or false");
}

TEST(ConfigSection, DurationAcceptsEveryUnit) {
  auto store = makeStore("[t]\na = 250ms\nb = 30s\nc = 5m\nd = 24h\ne = 7d\n");
  ConfigSection section(*store, "t");
  EXPECT_EQ(section.duration("a", milliseconds(0), {.help = "h"}), milliseconds(250));
  EXPECT_EQ(section.duration("b", milliseconds(0), {.help = "h"}), seconds(30));
  EXPECT_EQ(section.duration("c", milliseconds(0), {.help = "h"}), std::chrono::minutes(5));
  EXPECT_EQ(section.duration("d", milliseconds(0), {.help = "h"}), std::chrono::hours(24));
  EXPECT_EQ(section.duration("e", milliseconds(0), {.help = "h"}), std::chrono::hours(24 * 7));
}

TEST(ConfigSection, BareDurationNumberCountsMillisecondsByDefault) {
  auto store = makeStore("[t]\na = 1500\n");
  ConfigSection section(*store, "t");
  EXPECT_EQ(section.duration("a", milliseconds(0), {.help = "h"}), milliseconds(1500));
}

TEST(ConfigSection, BareDurationNumberUsesTheDeclaredUnit) {
  auto store = makeStore("[t]\na = 120\n");
  ConfigSection section(*store, "t");
  EXPECT_EQ(section.duration("a", milliseconds(0), {.help = "h", .bareNumberUnit = seconds(1)}), seconds(120));
}

TEST(ConfigSection, BadDurationNamesKeyAndExpectation) {
  auto store = makeStore("[t]\na = 5 weeks\n");
  ConfigSection section(*store, "t");
  EXPECT_EQ(configError([&] { section.duration("a", milliseconds(0), {.help = "h"}); }),
            "config: t.a = \"5 weeks\" (monti.ini:2): expected a duration such as 250ms, 30s, 5m, 24h or 7d");
}

TEST(ConfigSection, NegativeDurationIsRejected) {
  auto store = makeStore("[t]\na = -5s\n");
  ConfigSection section(*store, "t");
  EXPECT_THROW(section.duration("a", milliseconds(0), {.help = "h"}), ConfigError);
}

TEST(ConfigSection, OverflowingDurationIsRejected) {
  auto store = makeStore("[t]\na = 9223372036854775807d\n");
  ConfigSection section(*store, "t");
  EXPECT_THROW(section.duration("a", milliseconds(0), {.help = "h"}), ConfigError);
}

TEST(ConfigSection, ListDropsBlanksAndEmptyItems) {
  auto store = makeStore("[plugins]\nenabled =  agents , chat,, \n");
  ConfigSection section(*store, "plugins");
  EXPECT_EQ(section.list("enabled", "", {.help = "h"}), (std::vector<std::string>{"agents", "chat"}));
}

TEST(ConfigSection, ListFallbackIsSplitToo) {
  auto store = makeStore("");
  ConfigSection section(*store, "plugins");
  EXPECT_EQ(section.list("enabled", "a,b", {.help = "h"}), (std::vector<std::string>{"a", "b"}));
}

TEST(ConfigSection, ReadingAKeyDeclaresItWithTypeDefaultAndEnv) {
  auto store = makeStore("");
  ConfigSection section(*store, "server");
  section.integer("threads", 64, 2, 4096, {.help = "worker threads"});
  const auto declared = store->declared();
  ASSERT_EQ(declared.size(), 1u);
  EXPECT_EQ(declared[0].key, "server.threads");
  EXPECT_EQ(declared[0].env, "MONTI_SERVER_THREADS");
  EXPECT_EQ(declared[0].type, "integer 2..4096");
  EXPECT_EQ(declared[0].defaultValue, "64");
  EXPECT_EQ(declared[0].help, "worker threads");
}

TEST(ConfigSection, DurationDefaultIsShownInItsLargestWholeUnit) {
  auto store = makeStore("");
  ConfigSection section(*store, "auth");
  section.duration("jwt_expiry", std::chrono::hours(24), {.help = "h"});
  EXPECT_EQ(store->declared().at(0).defaultValue, "1d");
}

TEST(ConfigSection, DeclaringAKeyTwiceWithDifferentEnvironmentNamesThrows) {
  auto store = makeStore("");
  ConfigSection section(*store, "server");
  section.string("host", "", {.help = "h", .env = "SERVER_HOST"});
  EXPECT_THROW(section.string("host", "", {.help = "h", .env = "HOST"}), ConfigError);
}

TEST(ConfigSection, DeclaringAKeyTwiceWithTheSameEnvironmentNameIsFine) {
  auto store = makeStore("[server]\nhost = h\n");
  ConfigSection section(*store, "server");
  section.string("host", "", {.help = "h"});
  EXPECT_EQ(section.string("host", "", {.help = "h"}), "h");
}

}  // namespace
}  // namespace monti::config
