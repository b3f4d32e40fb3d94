#include "kv/KeyValueServices.hpp"

#include "KvTestSupport.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace monti::kvtest {
namespace {

TEST(KeyValueServices, WithoutAUrlRunsInProcess) {
  obs::PrometheusRegistry metrics;
  CountingLogger logger;
  const auto services = kv::makeKeyValueServices("", "", metrics, logger);
  EXPECT_EQ(services.mode, "in-process");
  EXPECT_NE(dynamic_cast<kv::InProcessCounters*>(services.counters.get()), nullptr);
  EXPECT_NE(dynamic_cast<cache::InProcessCache*>(services.cache.get()), nullptr);
  ASSERT_TRUE(services.pubsub && services.locks);
}

TEST(KeyValueServices, WithAUrlUsesRedisWithoutConnectingFirst) {
  obs::PrometheusRegistry metrics;
  CountingLogger logger;
  const auto services = kv::makeKeyValueServices("redis://127.0.0.1:1", "", metrics, logger);
  EXPECT_EQ(services.mode, "redis");
  EXPECT_NE(dynamic_cast<kv::RedisCounters*>(services.counters.get()), nullptr);
  EXPECT_NE(dynamic_cast<cache::RedisCache*>(services.cache.get()), nullptr);
  ASSERT_TRUE(services.pubsub && services.locks);
}

TEST(KeyValueServices, AMalformedUrlFailsAtBoot) {
  obs::PrometheusRegistry metrics;
  CountingLogger logger;
  EXPECT_THROW(kv::makeKeyValueServices("http://cache", "", metrics, logger), std::invalid_argument);
}

}  // namespace
}  // namespace monti::kvtest
