#include "realtime/RoomCatalog.hpp"

#include <gtest/gtest.h>

namespace monti::realtime {
namespace {

const JoinRule kAnyone = [](const auth::Principal&, const RoomParams&) { return true; };
const JoinRule kAdmins = [](const auth::Principal& u, const RoomParams&) { return u.role == "admin"; };

class RoomCatalogTest : public ::testing::Test {
 protected:
  RoomCatalogTest() {
    catalog_.rooms.push_back({"agents:{scope}", kAnyone, "agents"});
    catalog_.rooms.push_back({"agents:admin", kAdmins, "agents"});
    catalog_.rooms.push_back({"agents:department:{name}", kAnyone, "agents"});
    catalog_.rooms.push_back({"agent:{id}", kAnyone, "agents"});
    catalog_.aggregators.push_back({"agents:department:{name}", {}, "agents"});
  }
  plugin::Catalog catalog_;
};

TEST_F(RoomCatalogTest, PlaceholdersBecomeParams) {
  const RoomCatalog rooms(catalog_);
  const auto match = rooms.find("agents:department:Sales");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params, (RoomParams{{"name", "Sales"}}));
  EXPECT_NE(match->aggregator, nullptr);
  EXPECT_EQ(rooms.find("agent:42")->params, (RoomParams{{"id", "42"}}));
  EXPECT_EQ(rooms.find("agent:42")->aggregator, nullptr);
}

TEST_F(RoomCatalogTest, ALiteralPatternWinsOverAPlaceholderThatAlsoMatches) {
  const RoomCatalog rooms(catalog_);
  const auto match = rooms.find("agents:admin");
  ASSERT_TRUE(match);
  EXPECT_TRUE(match->params.empty());
  auth::Principal cs;
  cs.role = "cs";
  EXPECT_FALSE((*match->mayJoin)(cs, match->params)) << "agents:{scope} must not open the admin room";
}

TEST_F(RoomCatalogTest, TheLastPlaceholderKeepsFurtherColons) {
  const RoomCatalog rooms(catalog_);
  const auto match = rooms.find("agents:department:Support:EMEA");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params, (RoomParams{{"name", "Support:EMEA"}}));
}

TEST_F(RoomCatalogTest, UnknownOrUnacceptableNamesMatchNothing) {
  const RoomCatalog rooms(catalog_);
  EXPECT_FALSE(rooms.find("chat:1"));
  EXPECT_FALSE(rooms.find(""));
  EXPECT_FALSE(rooms.find("agent:"));
  EXPECT_FALSE(rooms.find("agent:1,agent:2"));
  EXPECT_FALSE(rooms.find(std::string("agent:\n1")));
  EXPECT_FALSE(rooms.find("agent:" + std::string(kMaxRoomNameBytes, '1')));
}

TEST(RoomKeyTest, KeysSeparateTenants) {
  EXPECT_NE(roomKey("acme", "agents:all"), roomKey("globex", "agents:all"));
  EXPECT_EQ(roomOfKey(roomKey("acme", "agents:all")), "agents:all");
}

}  // namespace
}  // namespace monti::realtime
