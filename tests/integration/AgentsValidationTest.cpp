// Seed 001 §6.1 against the real binary: every rule of POST /agents with a body that breaks it (400 naming the
// field, nothing created) and one that just meets it (201), plus uniqueness (409) and the rules on PUT.
#include "support/AgentsFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace monti::itest {
namespace {

const nlohmann::json kAbsent = nlohmann::json::value_t::discarded;

// One body of POST /agents: a valid body with `field` set to what `value()` returns (kAbsent removes it).
struct CreateCase {
  std::string name;
  std::string field;
  std::function<nlohmann::json()> value;
  bool accepted = false;
};

void PrintTo(const CreateCase& c, std::ostream* out) { *out << c.name; }

nlohmann::json fixed(const nlohmann::json& value) { return value; }

std::vector<CreateCase> rejectedCases() {
  return {
      {"UsernameMissing", "username", [] { return kAbsent; }},
      {"UsernameOfTwoCharacters", "username", [] { return fixed(uniqueTag().substr(0, 2)); }},
      {"UsernameOfFiftyOneCharacters", "username", [] { return fixed(uniqueTag() + std::string(41, 'x')); }},
      {"UsernameWithDash", "username", [] { return fixed("ag-" + uniqueTag()); }},
      {"UsernameNotAString", "username", [] { return fixed(12345); }},
      {"EmailMissing", "email", [] { return kAbsent; }},
      {"EmailMalformed", "email", [] { return fixed("not-an-email-" + uniqueTag()); }},
      {"EmailWithoutDomain", "email", [] { return fixed(uniqueTag() + "@"); }},
      {"FullNameMissing", "fullName", [] { return kAbsent; }},
      {"FullNameOfOneCharacter", "fullName", [] { return fixed("A"); }},
      {"FullNameOf256Characters", "fullName", [] { return fixed(std::string(256, 'n')); }},
      {"RoleMissing", "role", [] { return kAbsent; }},
      {"RoleBoss", "role", [] { return fixed("boss"); }},
      {"DepartmentMissing", "department", [] { return kAbsent; }},
      {"DepartmentOfOneCharacter", "department", [] { return fixed("S"); }},
      {"DepartmentOf101Characters", "department", [] { return fixed(std::string(101, 'd')); }},
      {"PhoneWithLetters", "phone", [] { return fixed("555-CALL-NOW"); }},
      {"PhoneOf21Characters", "phone", [] { return fixed(std::string(21, '5')); }},
      {"PasswordMissing", "password", [] { return kAbsent; }},
      {"PasswordOfSevenCharacters", "password", [] { return fixed("Abcde12"); }},
      {"PasswordWithoutUppercase", "password", [] { return fixed("abcdefg1"); }},
      {"PasswordWithoutLowercase", "password", [] { return fixed("ABCDEFG1"); }},
      {"PasswordWithoutDigit", "password", [] { return fixed("Abcdefgh"); }},
  };
}

std::vector<CreateCase> acceptedCases() {
  return {
      {"UsernameOfThreeCharacters", "username", [] { return fixed(uniqueTag().substr(0, 3)); }, true},
      {"UsernameOfFiftyCharacters", "username", [] { return fixed(uniqueTag() + std::string(40, 'x')); }, true},
      {"UsernameWithUnderscoreCapitalsAndDigits", "username", [] { return fixed("Ab_9" + uniqueTag()); }, true},
      {"EmailWithPlusAndSubdomain", "email", [] { return fixed("first.last+" + uniqueTag() + "@sub.example.test"); },
       true},
      {"FullNameOfTwoCharacters", "fullName", [] { return fixed("Al"); }, true},
      {"FullNameOf255Characters", "fullName", [] { return fixed(std::string(255, 'n')); }, true},
      {"RoleAdmin", "role", [] { return fixed("admin"); }, true},
      {"RoleCs", "role", [] { return fixed("cs"); }, true},
      {"RoleViewer", "role", [] { return fixed("viewer"); }, true},
      {"DepartmentOfTwoCharacters", "department", [] { return fixed("HR"); }, true},
      {"DepartmentOf100Characters", "department", [] { return fixed(std::string(100, 'd')); }, true},
      {"PhoneWithPlusParenthesesSpacesAndDashes", "phone", [] { return fixed("+1 (555) 010-0100"); }, true},
      {"PhoneOf20Characters", "phone", [] { return fixed(std::string(20, '5')); }, true},
      {"PhoneAbsent", "phone", [] { return kAbsent; }, true},
      {"PasswordOfEightWithEveryClass", "password", [] { return fixed("Abcdefg1"); }, true},
  };
}

nlohmann::json bodyFor(const CreateCase& c, nlohmann::json& value) {
  auto body = agentBody("cs", "Support");
  value = c.value();
  if (value.is_discarded()) {
    body.erase(c.field);
  } else {
    body[c.field] = value;
  }
  return body;
}

class AgentsCreateRule : public AgentsSuite<AgentsCreateRule>, public ::testing::WithParamInterface<CreateCase> {};

TEST_P(AgentsCreateRule, AnswersAsTheRuleSays) {
  const auto& rule = GetParam();
  nlohmann::json value;
  const auto body = bodyFor(rule, value);
  const auto response = asAdmin("POST", "/agents", body);
  if (!rule.accepted) {
    EXPECT_TRUE(failsOn(response, 400, rule.field)) << "body " << body.dump();
    EXPECT_EQ(errorCode(response), "validation_failed") << response.body;
    // Nothing was created: no agent has the username (when it is one).
    if (body.contains("username") && body["username"].is_string()) {
      const auto list = asAdmin("GET", "/agents?search=" + queryValue(body["username"].get<std::string>()));
      ASSERT_EQ(list.status, 200) << list.body;
      EXPECT_TRUE(list.json().at("data").empty()) << "a rejected agent exists: " << list.body;
    }
    return;
  }
  ASSERT_EQ(response.status, 201) << "body " << body.dump() << " answered " << response.body;
  const auto agent = response.json();
  EXPECT_TRUE(isAgent(agent));
  if (rule.field == "password") {
    EXPECT_EQ(login(port(), body["username"].get<std::string>(), value.get<std::string>()).status, 200);
  } else if (value.is_discarded()) {
    EXPECT_TRUE(agent.at(rule.field).is_null()) << agent.dump();
  } else {
    EXPECT_EQ(agent.at(rule.field), value) << agent.dump();
  }
}

std::string caseName(const ::testing::TestParamInfo<CreateCase>& info) {
  return (info.param.accepted ? "Accepts" : "Rejects") + info.param.name;
}

INSTANTIATE_TEST_SUITE_P(AgentsRejected, AgentsCreateRule, ::testing::ValuesIn(rejectedCases()), caseName);
INSTANTIATE_TEST_SUITE_P(AgentsAccepted, AgentsCreateRule, ::testing::ValuesIn(acceptedCases()), caseName);

// ----------------------------------------------------------------------------------------------------------------
// Several faults, uniqueness, updates

class AgentsValidation : public AgentsSuite<AgentsValidation> {};

TEST_F(AgentsValidation, ReportsEveryInvalidFieldInOneAnswer) {
  auto body = agentBody();
  body["username"] = "x";
  body["email"] = "nope";
  body["password"] = "short";
  body["role"] = "boss";
  const auto response = asAdmin("POST", "/agents", body);
  for (const auto* field : {"username", "email", "password", "role"})
    EXPECT_TRUE(failsOn(response, 400, field)) << field;
}

TEST_F(AgentsValidation, RejectsAMalformedJsonBody) {
  const auto response = call(port(), "POST", "/api/v1/agents", bearer(admin().token), std::string("{\"username\":"));
  EXPECT_TRUE(failsOn(response, 400, "body"));
}

TEST_F(AgentsValidation, RejectsATakenUsernameWith409) {
  const auto first = agentBody();
  newAgent(first);
  auto second = agentBody();
  second["username"] = first["username"];
  const auto response = asAdmin("POST", "/agents", second);
  EXPECT_EQ(response.status, 409) << response.body;
  EXPECT_EQ(errorCode(response), "conflict") << response.body;
}

TEST_F(AgentsValidation, RejectsAUsernameTakenInAnotherCaseWith409) {
  const auto first = agentBody();
  newAgent(first);
  auto second = agentBody();
  auto upper = first["username"].get<std::string>();
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  second["username"] = upper;
  const auto response = asAdmin("POST", "/agents", second);
  EXPECT_EQ(response.status, 409) << response.body;
}

TEST_F(AgentsValidation, RejectsAUsernameOfACoreAccountWith409) {
  auto body = agentBody();
  body["username"] = admin().account.username;
  const auto response = asAdmin("POST", "/agents", body);
  EXPECT_EQ(response.status, 409) << response.body;
}

TEST_F(AgentsValidation, RejectsATakenEmailWith409) {
  const auto first = agentBody();
  newAgent(first);
  auto second = agentBody();
  second["email"] = first["email"];
  const auto response = asAdmin("POST", "/agents", second);
  EXPECT_EQ(response.status, 409) << response.body;
}

TEST_F(AgentsValidation, RejectsAnEmailTakenInAnotherCaseWith409) {
  const auto first = agentBody();
  newAgent(first);
  auto second = agentBody();
  auto upper = first["email"].get<std::string>();
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  second["email"] = upper;
  const auto response = asAdmin("POST", "/agents", second);
  EXPECT_EQ(response.status, 409) << response.body;
}

TEST_F(AgentsValidation, UpdateRejectsInvalidFieldsAndChangesNothing) {
  const auto agent = newAgent();
  const auto path = "/agents/" + std::to_string(idOf(agent));
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"email", "not-an-email"},
                                                           {"username", "a-b"},
                                                           {"fullName", "A"},
                                                           {"role", "boss"},
                                                           {"department", std::string(101, 'd')},
                                                           {"phone", "call me"},
                                                           {"isActive", "yes"}}) {
    const auto response = asAdmin("PUT", path, nlohmann::json{{field, value}});
    EXPECT_TRUE(failsOn(response, 400, field)) << field << " = " << value.dump();
  }
  auto after = fetchAgent(port(), admin().token, idOf(agent));
  for (const auto* field : {"email", "username", "fullName", "role", "department", "phone", "isActive"})
    EXPECT_EQ(after.at(field), agent.at(field)) << field;
}

TEST_F(AgentsValidation, UpdateToATakenUsernameOrEmailIs409) {
  const auto taken = newAgent();
  const auto agent = newAgent();
  const auto path = "/agents/" + std::to_string(idOf(agent));
  EXPECT_EQ(asAdmin("PUT", path, nlohmann::json{{"username", taken["username"]}}).status, 409);
  EXPECT_EQ(asAdmin("PUT", path, nlohmann::json{{"email", taken["email"]}}).status, 409);
  // Keeping one's own username is not a conflict.
  const auto same = asAdmin("PUT", path, nlohmann::json{{"username", agent["username"]}});
  EXPECT_EQ(same.status, 200) << same.body;
}

}  // namespace
}  // namespace monti::itest
