#include "support/RealtimeFixture.hpp"

#include <random>
#include <sstream>
#include <stdexcept>

namespace monti::itest {

Environment realtimeEnvironment(const std::string& databaseUrl, bool withRedis) {
  auto env = authEnvironment(databaseUrl);
  env["MONTI_RATELIMIT_ENABLED"] = "false";  // the tests publish hundreds of events over HTTP
  const auto redis = runnerVariable("MONTI_TEST_REDIS_URL");
  if (withRedis && !redis.empty()) {
    env["REDIS_URL"] = redis;
    env["MONTI_REDIS_KEY_PREFIX"] = uniqueName("rt") + ":";
  }
  return env;
}

Member addMember(const Environment& env, int port, const std::string& role) {
  Member member;
  member.account = makeAccount(role);
  member.id = createAccount(env, member.account);
  member.token = loginOk(port, member.account).accessToken;
  return member;
}

std::string uniqueRoom() {
  std::random_device device;
  std::ostringstream name;
  name << "example:r" << std::hex << device() << device();
  return name.str();
}

nlohmann::json publish(int port, const std::string& token, const std::string& room, const std::string& event,
                       const nlohmann::json& data) {
  const nlohmann::json body{{"room", room}, {"event", event}, {"data", data}};
  const auto response = postJson(port, "/api/v1/admin/realtime/publish", body.dump(), bearer(token));
  if (response.status != 202) {
    throw std::runtime_error("publish to " + room + ": expected 202, got " + std::to_string(response.status) + " " +
                             response.body);
  }
  return response.json();
}

std::unique_ptr<WsClient> openWs(int port, const std::string& token, WsOptions options) {
  auto client = std::make_unique<WsClient>(port, bearerHandshake(token), options);
  if (!client->upgraded()) {
    throw std::runtime_error("WebSocket handshake failed: " + client->handshakeError() + " " + client->response().body);
  }
  return client;
}

::testing::AssertionResult subscribes(WsClient& client, const std::string& room) {
  const auto answer = client.subscribe(room);
  if (!answer) return ::testing::AssertionFailure() << "no answer to subscribe " << room;
  if (answer->value("type", "") != "subscribed")
    return ::testing::AssertionFailure() << "subscribe " << room << " answered " << answer->dump();
  return ::testing::AssertionSuccess();
}

bool sameId(const nlohmann::json& value, std::int64_t id) {
  if (value.is_number_integer()) return value.get<std::int64_t>() == id;
  return value.is_string() && value.get<std::string>() == std::to_string(id);
}

Collected collectEvents(WsClient& client, const std::string& room, std::int64_t lastOffset,
                        std::chrono::milliseconds timeout) {
  Collected collected;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (collected.offsets.empty() || collected.offsets.back() < lastOffset) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    const auto message = client.waitFor(
        [&](const nlohmann::json& m) {
          const auto type = m.value("type", "");
          return (type == "event" || type == "batch") && m.value("room", "") == room;
        },
        left);
    if (!message) break;
    collected.frames.push_back(*message);
    for (auto& event : eventsOf(*message, room)) {
      collected.offsets.push_back(event.at("offset").get<std::int64_t>());
      collected.events.push_back(std::move(event));
    }
  }
  return collected;
}

std::string metricsText(int port) {
  const auto response = get(port, "/metrics");
  if (response.status != 200) throw std::runtime_error("/metrics answered " + std::to_string(response.status));
  return response.body;
}

}  // namespace monti::itest
