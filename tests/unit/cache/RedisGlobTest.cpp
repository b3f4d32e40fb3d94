#include "cache/RedisCache.hpp"

#include <gtest/gtest.h>

namespace monti::cache {
namespace {

TEST(EscapeRedisGlob, EscapesEveryGlobCharacter) {
  EXPECT_EQ(escapeRedisGlob(R"(a*b?c[d]e\f)"), R"(a\*b\?c\[d\]e\\f)");
}

TEST(EscapeRedisGlob, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(escapeRedisGlob("monti:cache:stats-1^x"), "monti:cache:stats-1^x");
}

}  // namespace
}  // namespace monti::cache
