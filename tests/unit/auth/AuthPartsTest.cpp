#include <monti/auth/Principal.hpp>

#include "auth/AccountRepository.hpp"
#include "auth/LoginThrottle.hpp"
#include "auth/RevocationList.hpp"
#include "auth/Roles.hpp"
#include "data/PgArray.hpp"
#include "kv/InProcessCounters.hpp"

#include <gtest/gtest.h>

namespace monti::auth {
namespace {

using namespace std::chrono_literals;

TEST(Roles, FollowSeed001) {
  EXPECT_EQ(permissionsFor("admin"), (std::vector<std::string>{"*"}));
  EXPECT_EQ(permissionsFor("cs"),
            (std::vector<std::string>{"read:agents", "update:self", "read:performance", "update:status"}));
  EXPECT_EQ(permissionsFor("viewer"), (std::vector<std::string>{"read:agents", "read:performance"}));
  EXPECT_TRUE(permissionsFor("root").empty());
  EXPECT_FALSE(isKnownRole("Admin"));
}

TEST(TextArray, RoundTripsAwkwardItems) {
  const std::vector<std::string> items{"Sales", "a,b", "quote\"d", "back\\slash", "", "{braces}"};
  EXPECT_EQ(data::parseTextArray(data::formatTextArray(items)), items);
}

TEST(TextArray, ParsesWhatPostgresPrints) {
  EXPECT_TRUE(data::parseTextArray("{}").empty());
  EXPECT_EQ(data::parseTextArray("{Sales,Support}"), (std::vector<std::string>{"Sales", "Support"}));
  EXPECT_EQ(data::parseTextArray(R"({"New York",Berlin})"), (std::vector<std::string>{"New York", "Berlin"}));
  EXPECT_TRUE(data::parseTextArray("not an array").empty());
}

TEST(RevocationList, KnowsRevokedIdsUntilPruned) {
  RevocationList list;
  const auto now = RevocationList::Clock::now();
  list.add("a", now + 1h);
  list.add("b", now - 1s);
  EXPECT_TRUE(list.revoked("a"));
  EXPECT_TRUE(list.revoked("b"));
  EXPECT_FALSE(list.revoked("c"));
  EXPECT_EQ(list.prune(now), 1u);
  EXPECT_FALSE(list.revoked("b"));
}

TEST(RevocationList, ReplaceDropsWhatTheDatabaseNoLongerHas) {
  RevocationList list;
  list.add("old", RevocationList::Clock::now() + 1h);
  list.replace({{"new", RevocationList::Clock::now() + 1h}});
  EXPECT_FALSE(list.revoked("old"));
  EXPECT_TRUE(list.revoked("new"));
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  kv::InProcessCounters counters_;
  LoginThrottle throttle_{counters_, ThrottleSettings{3, 15min, 15min, 5, 1min}};
};

TEST_F(LoginThrottleTest, LocksTheAccountAfterTooManyFailures) {
  for (int i = 0; i < 2; ++i)
    throttle_.recordFailure("Alice", "10.0.0." + std::to_string(i));
  EXPECT_FALSE(throttle_.blocked("alice", "10.0.0.9"));
  throttle_.recordFailure("ALICE", "10.0.0.3");
  const auto wait = throttle_.blocked("alice", "10.0.0.9");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, std::chrono::seconds(15 * 60));
  EXPECT_FALSE(throttle_.blocked("bob", "10.0.0.9"));
}

TEST_F(LoginThrottleTest, BlocksAnIpAfterTooManyFailuresAcrossAccounts) {
  for (int i = 0; i < 5; ++i)
    throttle_.recordFailure("user" + std::to_string(i), "192.0.2.1");
  const auto wait = throttle_.blocked("someone-else", "192.0.2.1");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, std::chrono::seconds(60));
  EXPECT_FALSE(throttle_.blocked("someone-else", "192.0.2.2"));
}

}  // namespace
}  // namespace monti::auth

namespace monti::auth {
namespace {

TEST(Principal, IsSelfOrAdminFollowsSeed001) {
  Principal cs;
  cs.id = "7";
  cs.permissions = permissionsFor("cs");
  EXPECT_TRUE(cs.isSelfOrAdmin("7"));
  EXPECT_FALSE(cs.isSelfOrAdmin("8"));
  Principal admin;
  admin.id = "1";
  admin.permissions = permissionsFor("admin");
  EXPECT_TRUE(admin.isSelfOrAdmin("8"));
}

}  // namespace
}  // namespace monti::auth
