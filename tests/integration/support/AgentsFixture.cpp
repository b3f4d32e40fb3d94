#include "support/AgentsFixture.hpp"

#include <random>
#include <regex>
#include <stdexcept>

namespace monti::itest {
namespace {

std::string describe(const std::string& what, const HttpResponse& response) {
  return what + ": " + std::to_string(response.status) + " " + response.body;
}

// Keys that would leak a credential, at any depth.
std::optional<std::string> passwordKey(const nlohmann::json& value) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      std::string lower = key;
      for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find("password") != std::string::npos || lower.find("hash") != std::string::npos) return key;
      if (auto inner = passwordKey(item)) return inner;
    }
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (auto inner = passwordKey(item)) return inner;
    }
  }
  return std::nullopt;
}

}  // namespace

Environment agentsEnvironment(const std::string& databaseUrl) {
  auto env = realtimeEnvironment(databaseUrl);
  env["MONTI_PLUGINS"] = "agents";
  env["MONTI_PLUGINS_DIR"] = MONTI_PLUGIN_DIR;
  return env;
}

std::string uniqueTag() {
  std::random_device device;
  std::uniform_int_distribution<int> letter('a', 'z');
  std::string tag;
  for (int i = 0; i < 10; ++i)
    tag += static_cast<char>(letter(device));
  return tag;
}

HttpResponse agentsCall(int port, const std::string& token, const std::string& method, const std::string& path,
                        const std::optional<nlohmann::json>& body) {
  const Headers headers = token.empty() ? Headers{} : bearer(token);
  return call(port, method, "/api/v1" + path, headers, body ? std::optional<std::string>(body->dump()) : std::nullopt);
}

nlohmann::json agentBody(const std::string& role, const std::string& department) {
  const auto username = "ag_" + uniqueTag();
  return {{"username", username},
          {"email", username + "@example.test"},
          {"fullName", "Agent " + username.substr(3)},
          {"role", role},
          {"department", department},
          {"password", kAgentPassword}};
}

nlohmann::json createAgent(int port, const std::string& token, const nlohmann::json& body) {
  const auto response = agentsCall(port, token, "POST", "/agents", body);
  if (response.status != 201) throw std::runtime_error(describe("POST /agents " + body.dump(), response));
  return response.json();
}

nlohmann::json fetchAgent(int port, const std::string& token, std::int64_t id) {
  const auto response = agentsCall(port, token, "GET", "/agents/" + std::to_string(id));
  if (response.status != 200) throw std::runtime_error(describe("GET /agents/" + std::to_string(id), response));
  return response.json();
}

nlohmann::json setStatus(int port, const std::string& token, std::int64_t id, const std::string& status) {
  const auto path = "/agents/" + std::to_string(id) + "/status";
  const auto response = agentsCall(port, token, "PUT", path, nlohmann::json{{"status", status}});
  if (response.status != 200) throw std::runtime_error(describe("PUT " + path, response));
  return response.json();
}

std::int64_t idOf(const nlohmann::json& agent) {
  const auto& id = agent.at("id");
  if (id.is_number_integer()) return id.get<std::int64_t>();
  throw std::runtime_error("agent id is not a number: " + agent.dump());
}

AgentLogin createAgentAndLogIn(int port, const std::string& adminToken, const std::string& role,
                               const std::string& department) {
  const auto body = agentBody(role, department);
  AgentLogin result;
  result.agent = createAgent(port, adminToken, body);
  result.id = idOf(result.agent);
  const Account account{body.at("username").get<std::string>(), body.at("email").get<std::string>(), kAgentPassword,
                        role};
  result.token = loginOk(port, account).accessToken;
  return result;
}

Member addTenantMember(const Environment& env, int port, const std::string& role, const std::string& tenant) {
  Member member;
  member.account = makeAccount(role, tenant);
  member.id = createAccount(env, member.account);
  member.token = loginOk(port, member.account).accessToken;
  return member;
}

std::set<std::int64_t> idsOf(const nlohmann::json& page) {
  std::set<std::int64_t> ids;
  for (const auto& agent : page.at("data"))
    ids.insert(idOf(agent));
  return ids;
}

bool isIsoUtc(const nlohmann::json& value) {
  static const std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)");
  return value.is_string() && std::regex_match(value.get<std::string>(), iso);
}

::testing::AssertionResult isAgent(const nlohmann::json& agent) {
  if (!agent.is_object()) return ::testing::AssertionFailure() << "not an object: " << agent.dump();
  using Check = bool (*)(const nlohmann::json&);
  const Check integer = [](const nlohmann::json& v) { return v.is_number_integer(); };
  const Check number = [](const nlohmann::json& v) { return v.is_number(); };
  const Check string = [](const nlohmann::json& v) { return v.is_string(); };
  const Check boolean = [](const nlohmann::json& v) { return v.is_boolean(); };
  const Check timestamp = [](const nlohmann::json& v) { return isIsoUtc(v); };
  const Check optionalTimestamp = [](const nlohmann::json& v) { return v.is_null() || isIsoUtc(v); };
  const Check optionalString = [](const nlohmann::json& v) { return v.is_null() || v.is_string(); };
  const Check role = [](const nlohmann::json& v) { return v == "admin" || v == "cs" || v == "viewer"; };
  const Check onlineStatus = [](const nlohmann::json& v) {
    return v == "online" || v == "offline" || v == "away" || v == "busy";
  };
  const Check level = [](const nlohmann::json& v) { return v == "high" || v == "medium" || v == "low"; };
  const std::vector<std::pair<const char*, Check>> fields{
      {"id", integer},
      {"username", string},
      {"email", string},
      {"fullName", string},
      {"role", role},
      {"isActive", boolean},
      {"lastLoginAt", optionalTimestamp},
      {"createdAt", timestamp},
      {"updatedAt", timestamp},
      {"avatar", optionalString},
      {"phone", optionalString},
      {"department", string},
      {"onlineStatus", onlineStatus},
      {"lastSeen", timestamp},
      {"currentTickets", integer},
      {"totalTicketsHandled", integer},
      {"avgResponseTime", number},
      {"customerSatisfaction", number},
      {"ticketsResolvedToday", integer},
      {"messagesHandledToday", integer},
      {"onlineHoursToday", number},
      {"performanceLevel", level},
      {"location", optionalString},
  };
  for (const auto& [name, check] : fields) {
    if (!agent.contains(name)) return ::testing::AssertionFailure() << "no \"" << name << "\" in " << agent.dump();
    if (!check(agent.at(name)))
      return ::testing::AssertionFailure() << "\"" << name << "\" has the wrong type or value in " << agent.dump();
  }
  if (auto key = passwordKey(agent)) return ::testing::AssertionFailure() << "\"" << *key << "\" in " << agent.dump();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult isActivity(const nlohmann::json& activity, std::int64_t agentId) {
  if (!activity.is_object()) return ::testing::AssertionFailure() << "not an object: " << activity.dump();
  for (const auto* name : {"id", "agentId", "type", "description", "timestamp", "metadata"}) {
    if (!activity.contains(name))
      return ::testing::AssertionFailure() << "no \"" << name << "\" in " << activity.dump();
  }
  const auto& id = activity.at("id");
  if (!(id.is_string() && !id.get<std::string>().empty()) && !id.is_number_integer())
    return ::testing::AssertionFailure() << "bad id in " << activity.dump();
  if (!activity.at("agentId").is_number_integer() || activity.at("agentId").get<std::int64_t>() != agentId)
    return ::testing::AssertionFailure() << "agentId is not " << agentId << " in " << activity.dump();
  if (!activity.at("type").is_string() || !activity.at("description").is_string())
    return ::testing::AssertionFailure() << "type or description is not a string in " << activity.dump();
  if (!isIsoUtc(activity.at("timestamp")))
    return ::testing::AssertionFailure() << "timestamp is not ISO 8601 UTC in " << activity.dump();
  if (!activity.at("metadata").is_null() && !activity.at("metadata").is_object())
    return ::testing::AssertionFailure() << "metadata is neither null nor an object in " << activity.dump();
  return ::testing::AssertionSuccess();
}

std::string queryValue(const std::string& value) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : value) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4U];
      out += kHex[c & 0xFU];
    }
  }
  return out;
}

::testing::AssertionResult failsOn(const HttpResponse& response, int status, const std::string& field) {
  if (response.status != status)
    return ::testing::AssertionFailure() << "expected " << status << ", got " << response.status << " "
                                         << response.body;
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object() || !json["error"].contains("code") ||
      !json["error"].contains("message") || !json["error"].contains("details") ||
      !json["error"]["details"].is_array()) {
    return ::testing::AssertionFailure() << "not the error shape: " << response.body;
  }
  for (const auto& detail : json["error"]["details"]) {
    if (detail.is_object() && detail.value("field", "") == field && detail.contains("message")) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no detail for field \"" << field << "\" in " << response.body;
}

}  // namespace monti::itest
