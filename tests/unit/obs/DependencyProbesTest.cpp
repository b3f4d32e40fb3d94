#include "obs/DependencyProbes.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::obs {
namespace {

TEST(ParseRedisUrl, HostOnlyUsesDefaultPortAndDatabase) {
  const auto a = parseRedisUrl("redis://cache");
  EXPECT_EQ(a.host, "cache");
  EXPECT_EQ(a.port, 6379);
  EXPECT_EQ(a.db, 0);
  EXPECT_EQ(a.password, "");
}

TEST(ParseRedisUrl, ReadsPortAndDatabase) {
  const auto a = parseRedisUrl("redis://cache:6380/3");
  EXPECT_EQ(a.host, "cache");
  EXPECT_EQ(a.port, 6380);
  EXPECT_EQ(a.db, 3);
}

TEST(ParseRedisUrl, ReadsPasswordWithoutUser) {
  const auto a = parseRedisUrl("redis://:s3cret@cache:6379");
  EXPECT_EQ(a.password, "s3cret");
  EXPECT_EQ(a.host, "cache");
}

TEST(ParseRedisUrl, ReadsPasswordAfterUser) { EXPECT_EQ(parseRedisUrl("redis://default:pw@cache").password, "pw"); }

TEST(ParseRedisUrl, TrailingSlashMeansDatabaseZero) { EXPECT_EQ(parseRedisUrl("redis://cache:6379/").db, 0); }

TEST(ParseRedisUrl, RejectsOtherSchemes) { EXPECT_THROW(parseRedisUrl("http://cache:6379"), std::invalid_argument); }

TEST(ParseRedisUrl, RejectsMissingHost) {
  EXPECT_THROW(parseRedisUrl("redis://"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://:pw@:6379"), std::invalid_argument);
}

TEST(ParseRedisUrl, RejectsBadPorts) {
  EXPECT_THROW(parseRedisUrl("redis://cache:abc"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://cache:0"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://cache:65536"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://cache:"), std::invalid_argument);
}

TEST(ParseRedisUrl, RejectsBadDatabaseIndex) {
  EXPECT_THROW(parseRedisUrl("redis://cache/x"), std::invalid_argument);
  EXPECT_THROW(parseRedisUrl("redis://cache/-1"), std::invalid_argument);
}

TEST(ParseRedisUrl, ErrorMessagesDoNotRevealThePassword) {
  try {
    parseRedisUrl("redis://:s3cret@cache:bad");
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
}

TEST(PostgresProbe, WithoutUrlIsDisabled) {
  const auto result = postgresProbe("")();
  EXPECT_EQ(result.status, CheckStatus::disabled);
  EXPECT_FALSE(result.error.has_value());
}

TEST(RedisProbe, WithoutUrlIsDisabledInProcessMode) {
  const auto result = redisProbe("", "")();
  EXPECT_EQ(result.status, CheckStatus::disabled);
  EXPECT_EQ(result.extra["mode"], "in-process");
}

TEST(PostgresProbe, RefusedConnectionIsDown) {
  const auto result = postgresProbe("postgresql://monti@127.0.0.1:1/monti")();
  EXPECT_EQ(result.status, CheckStatus::down);
  EXPECT_TRUE(result.error.has_value());
}

TEST(RedisProbe, RefusedConnectionIsDown) {
  const auto result = redisProbe("redis://127.0.0.1:1", "")();
  EXPECT_EQ(result.status, CheckStatus::down);
  EXPECT_TRUE(result.error.has_value());
  EXPECT_EQ(result.extra["mode"], "redis");
}

}  // namespace
}  // namespace monti::obs
