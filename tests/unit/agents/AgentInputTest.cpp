#include "AgentInput.hpp"

#include <gtest/gtest.h>

namespace monti::agents {
namespace {

nlohmann::json validAgent() {
  return {{"username", "jane_doe"}, {"email", "jane@example.com"}, {"fullName", "Jane Doe"},
          {"role", "cs"},           {"department", "Sales"},       {"password", "Secret123"}};
}

/// The fields a BadRequest names, in order.
std::vector<std::string> badFields(const nlohmann::json& body) {
  try {
    parseNewAgent(body);
  } catch (const http::BadRequest& e) {
    std::vector<std::string> fields;
    for (const auto& d : e.details())
      fields.push_back(d.field);
    return fields;
  }
  return {};
}

std::vector<std::string> withField(const char* key, const nlohmann::json& value) {
  auto body = validAgent();
  body[key] = value;
  return badFields(body);
}

TEST(AgentInputTest, AValidAgentPasses) {
  const auto agent = parseNewAgent(validAgent());
  EXPECT_EQ(agent.username, "jane_doe");
  EXPECT_EQ(agent.location, "");
  EXPECT_FALSE(agent.phone);
}

TEST(AgentInputTest, EachSeedRuleRefusesItsField) {
  using Fields = std::vector<std::string>;
  EXPECT_EQ(withField("username", "ab"), Fields{"username"});
  EXPECT_EQ(withField("username", std::string(51, 'a')), Fields{"username"});
  EXPECT_EQ(withField("username", "jane-doe"), Fields{"username"});
  EXPECT_TRUE(withField("username", std::string(50, 'a')).empty());
  EXPECT_EQ(withField("email", "jane@"), Fields{"email"});
  EXPECT_EQ(withField("email", 42), Fields{"email"});
  EXPECT_EQ(withField("fullName", "J"), Fields{"fullName"});
  EXPECT_EQ(withField("fullName", std::string(256, 'x')), Fields{"fullName"});
  EXPECT_TRUE(withField("fullName", "Zoë Ünal").empty()) << "characters, not bytes";
  EXPECT_EQ(withField("role", "boss"), Fields{"role"});
  EXPECT_EQ(withField("department", "S"), Fields{"department"});
  EXPECT_EQ(withField("department", std::string(101, 'd')), Fields{"department"});
  EXPECT_EQ(withField("phone", "call me"), Fields{"phone"});
  EXPECT_TRUE(withField("phone", "+1 (555) 010-0100").empty());
  EXPECT_EQ(withField("password", "Short1"), Fields{"password"});
  EXPECT_EQ(withField("password", "alllower1"), Fields{"password"});
  EXPECT_EQ(withField("password", "ALLUPPER1"), Fields{"password"});
  EXPECT_EQ(withField("password", "NoDigitsHere"), Fields{"password"});
}

TEST(AgentInputTest, MissingRequiredFieldsAreAllNamed) {
  const auto fields = badFields(nlohmann::json::object());
  EXPECT_EQ(fields, (std::vector<std::string>{"username", "email", "fullName", "role", "department", "password"}));
  EXPECT_THROW(parseNewAgent(nlohmann::json::array()), http::BadRequest);
}

TEST(AgentInputTest, ChangesAcceptKnownFieldsAndRefuseUnknownOnes) {
  const auto changes = parseChanges({{"fullName", "New Name"}, {"phone", nullptr}, {"isActive", false}});
  EXPECT_EQ(changes.fullName, "New Name");
  ASSERT_TRUE(changes.phone);
  EXPECT_FALSE(*changes.phone) << "null clears the phone";
  EXPECT_EQ(changes.isActive, false);
  EXPECT_FALSE(changes.onlySelfEditable());
  EXPECT_TRUE(parseChanges({{"fullName", "Ab"}, {"avatar", "https://x/y.png"}}).onlySelfEditable());
  EXPECT_TRUE(parseChanges(nlohmann::json::object()).empty());
  try {
    parseChanges({{"password", "x"}, {"role", "boss"}, {"isActive", "yes"}}, "updates.");
    FAIL() << "accepted";
  } catch (const http::BadRequest& e) {
    std::vector<std::string> fields;
    for (const auto& d : e.details())
      fields.push_back(d.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"updates.password", "updates.isActive", "updates.role"}));
  }
}

}  // namespace
}  // namespace monti::agents
