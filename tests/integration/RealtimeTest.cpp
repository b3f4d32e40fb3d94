// The realtime hub's WebSocket endpoint against the real binary (docs/realtime.md): authentication before the
// upgrade, room join rules, client messages, protocol errors and their close codes, token revocation and the
// connection limit. Delivery, recovery, SSE and presence are in RealtimeDeliveryTest.cpp; several nodes in
// RealtimeClusterTest.cpp.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/RealtimeFixture.hpp"
#include "support/WsClient.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace monti::itest {
namespace {

constexpr auto kWait = std::chrono::seconds(5);

// ----------------------------------------------------------------------------------------------------------------
// Authentication before the upgrade

class RealtimeHandshake : public RealtimeSuite<RealtimeHandshake> {};

TEST_F(RealtimeHandshake, WithoutCredentialsAnswers401JsonAndDoesNotUpgrade) {
  WsClient client(port(), WsHandshake{"/ws", {}});
  EXPECT_FALSE(client.upgraded());
  EXPECT_EQ(client.response().status, 401) << client.response().body;
  EXPECT_FALSE(errorCode(client.response()).empty()) << "not the JSON error shape: " << client.response().body;
  EXPECT_FALSE(client.response().header("Sec-WebSocket-Accept"));
}

TEST_F(RealtimeHandshake, BadOrTamperedTokenAnswers401) {
  WsClient garbage(port(), bearerHandshake("not-a-token"));
  EXPECT_FALSE(garbage.upgraded());
  EXPECT_EQ(garbage.response().status, 401) << garbage.response().body;

  auto tampered = alice().token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  WsClient forged(port(), bearerHandshake(tampered));
  EXPECT_FALSE(forged.upgraded());
  EXPECT_EQ(forged.response().status, 401) << forged.response().body;

  WsClient badQuery(port(), WsHandshake{"/ws?token=not-a-token", {}});
  EXPECT_EQ(badQuery.response().status, 401) << badQuery.response().body;
  WsClient badProtocol(port(), WsHandshake{"/ws", {{"Sec-WebSocket-Protocol", "monti, bearer.not-a-token"}}});
  EXPECT_EQ(badProtocol.response().status, 401) << badProtocol.response().body;
}

TEST_F(RealtimeHandshake, BearerHeaderUpgradesToAWorkingConnection) {
  WsClient client(port(), bearerHandshake(alice().token));
  ASSERT_TRUE(client.upgraded()) << client.handshakeError() << " " << client.response().body;
  EXPECT_EQ(client.response().status, 101);
  EXPECT_TRUE(client.roundTrip()) << "no pong to a ping";
}

TEST_F(RealtimeHandshake, TokenInTheSubprotocolUpgradesAndTheServerAnswersMonti) {
  WsClient client(port(), WsHandshake{"/ws", {{"Sec-WebSocket-Protocol", "monti, bearer." + alice().token}}});
  ASSERT_TRUE(client.upgraded()) << client.handshakeError() << " " << client.response().body;
  EXPECT_EQ(client.response().header("Sec-WebSocket-Protocol").value_or("(none)"), "monti");
  EXPECT_TRUE(client.roundTrip());
}

TEST_F(RealtimeHandshake, TokenInTheQueryUpgrades) {
  WsClient client(port(), WsHandshake{"/ws?token=" + alice().token, {}});
  ASSERT_TRUE(client.upgraded()) << client.handshakeError() << " " << client.response().body;
  EXPECT_TRUE(client.roundTrip());
}

TEST_F(RealtimeHandshake, VersionedAndApiAliasPathsUpgradeToo) {
  for (const auto* path : {"/api/v1/ws", "/api/ws"}) {
    WsClient client(port(), bearerHandshake(alice().token, path));
    ASSERT_TRUE(client.upgraded()) << path << ": " << client.handshakeError() << " " << client.response().body;
    EXPECT_TRUE(client.roundTrip()) << path;
  }
}

TEST_F(RealtimeHandshake, PlainGetWithAValidTokenAnswers426) {
  WsClient client(port(), WsHandshake{"/ws", {{"Authorization", "Bearer " + alice().token}}, false});
  EXPECT_FALSE(client.upgraded());
  EXPECT_EQ(client.response().status, 426) << client.response().body;
}

// ----------------------------------------------------------------------------------------------------------------
// Rooms and client messages

class RealtimeRooms : public RealtimeSuite<RealtimeRooms> {
 public:
  static void configure(Environment& env) { env["MONTI_REALTIME_MAX_SUBSCRIPTIONS"] = "3"; }
};

TEST_F(RealtimeRooms, CsUserIsForbiddenFromTheAdminsRoomAndTheConnectionStaysOpen) {
  const auto client = openWs(port(), alice().token);
  const auto answer = client->subscribe("example:admins");
  ASSERT_TRUE(answer) << "no answer to the subscribe";
  EXPECT_EQ(answer->value("type", ""), "error") << answer->dump();
  EXPECT_EQ(answer->value("code", ""), "forbidden") << answer->dump();
  EXPECT_TRUE(client->roundTrip());
}

TEST_F(RealtimeRooms, CsUserIsForbiddenFromAnotherUsersRoom) {
  const auto client = openWs(port(), alice().token);
  const auto answer = client->subscribe("example:user:" + std::to_string(bob().id));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "error") << answer->dump();
  EXPECT_EQ(answer->value("code", ""), "forbidden") << answer->dump();
}

TEST_F(RealtimeRooms, UserMayJoinTheirOwnRoomAndAnAdminAnyUsersRoom) {
  const auto room = "example:user:" + std::to_string(alice().id);
  const auto own = openWs(port(), alice().token);
  const auto answer = own->subscribe(room);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "subscribed") << answer->dump();
  const auto byAdmin = openWs(port(), admin().token)->subscribe(room);
  ASSERT_TRUE(byAdmin);
  EXPECT_EQ(byAdmin->value("type", ""), "subscribed") << byAdmin->dump();
}

TEST_F(RealtimeRooms, AdminMayJoinTheAdminsRoom) {
  const auto client = openWs(port(), admin().token);
  const auto answer = client->subscribe("example:admins");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "subscribed") << answer->dump();
  EXPECT_EQ(answer->value("room", ""), "example:admins");
}

TEST_F(RealtimeRooms, UnknownRoomIsRefusedWithUnknownRoom) {
  const auto client = openWs(port(), alice().token);
  const auto answer = client->subscribe("nosuchplugin:room");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "error") << answer->dump();
  EXPECT_EQ(answer->value("code", ""), "unknown_room") << answer->dump();
  EXPECT_TRUE(client->roundTrip());
}

TEST_F(RealtimeRooms, SubscribedNamesTheRoomsEpochAndCurrentOffset) {
  const auto room = uniqueRoom();
  const auto first = openWs(port(), alice().token)->subscribe(room);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->value("type", ""), "subscribed") << first->dump();
  EXPECT_EQ(first->value("recovered", true), false) << first->dump();
  EXPECT_TRUE(first->contains("epoch") && (*first)["epoch"].is_string()) << first->dump();
  EXPECT_TRUE(first->contains("offset") && (*first)["offset"].is_number_integer()) << first->dump();

  publish(port(), admin().token, room, "example.thing", {{"n", 1}});
  const auto published = publish(port(), admin().token, room, "example.thing", {{"n", 2}});
  const auto later = openWs(port(), bob().token)->subscribe(room);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->value("offset", -1), published.at("offset").get<std::int64_t>()) << later->dump();
  EXPECT_EQ(later->value("epoch", ""), published.value("epoch", "?")) << later->dump();
}

TEST_F(RealtimeRooms, MalformedJsonIsABadMessageAndTheConnectionStaysOpen) {
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(client->sendText("{\"type\": \"subscribe\", \"room\": "));
  const auto error = client->waitForType("error", kWait);
  ASSERT_TRUE(error) << "no error for malformed JSON";
  EXPECT_EQ(error->value("code", ""), "bad_message") << error->dump();
  EXPECT_TRUE(client->roundTrip()) << "the connection did not survive a malformed message";
}

TEST_F(RealtimeRooms, UnknownMessageTypeIsABadMessage) {
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(client->sendJson({{"type", "dance"}}));
  const auto error = client->waitForType("error", kWait);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->value("code", ""), "bad_message") << error->dump();
  ASSERT_TRUE(client->sendJson(nlohmann::json::array({1, 2})));
  const auto second = client->waitForType("error", kWait);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->value("code", ""), "bad_message") << second->dump();
  EXPECT_TRUE(client->roundTrip());
}

TEST_F(RealtimeRooms, UnsubscribeStopsDelivery) {
  const auto left = uniqueRoom();
  const auto kept = uniqueRoom();
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, left));
  ASSERT_TRUE(subscribes(*client, kept));
  ASSERT_TRUE(client->sendJson({{"type", "unsubscribe"}, {"room", left}}));
  const auto answer = client->waitForType("unsubscribed", kWait, left);
  ASSERT_TRUE(answer) << "no unsubscribed answer";

  publish(port(), admin().token, left, "example.thing", {{"n", 1}});
  const auto marker = publish(port(), admin().token, kept, "example.thing", {{"n", 2}});
  const auto got = collectEvents(*client, kept, marker.at("offset").get<std::int64_t>());
  ASSERT_FALSE(got.offsets.empty()) << "the event of the room still subscribed never came";
  for (const auto& message : client->setAside())
    EXPECT_TRUE(eventsOf(message, left).empty()) << "delivered after unsubscribe: " << message.dump();
}

TEST_F(RealtimeRooms, UnsubscribeFromARoomNotJoinedIsNotSubscribed) {
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(client->sendJson({{"type", "unsubscribe"}, {"room", uniqueRoom()}}));
  const auto error = client->waitForType("error", kWait);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->value("code", ""), "not_subscribed") << error->dump();
}

TEST_F(RealtimeRooms, SubscriptionPastTheLimitIsTooManySubscriptions) {
  const auto client = openWs(port(), alice().token);
  for (int i = 0; i < 3; ++i) {
    const auto answer = client->subscribe(uniqueRoom());
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->value("type", ""), "subscribed") << answer->dump();
  }
  const auto fourth = client->subscribe(uniqueRoom());
  ASSERT_TRUE(fourth);
  EXPECT_EQ(fourth->value("type", ""), "error") << fourth->dump();
  EXPECT_EQ(fourth->value("code", ""), "too_many_subscriptions") << fourth->dump();
  EXPECT_TRUE(client->roundTrip());
}

TEST_F(RealtimeRooms, AuthWithAFreshTokenAnswersAuthenticatedAndKeepsSubscriptions) {
  const auto room = uniqueRoom();
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(subscribes(*client, room));
  const auto fresh = loginOk(port(), alice().account).accessToken;
  ASSERT_TRUE(client->sendJson({{"type", "auth"}, {"token", fresh}}));
  const auto answer = client->waitFor(
      [](const nlohmann::json& m) {
        const auto type = m.value("type", "");
        return type == "authenticated" || type == "error";
      },
      kWait);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "authenticated") << answer->dump();
  const auto published = publish(port(), admin().token, room, "example.thing", {{"n", 1}});
  const auto got = collectEvents(*client, room, published.at("offset").get<std::int64_t>());
  EXPECT_FALSE(got.offsets.empty()) << "the subscription did not survive the auth message";
}

TEST_F(RealtimeRooms, AuthWithATokenThatLostTheRightToARoomEndsThatSubscriptionOnly) {
  const auto demoted = addMember(env(), port(), "admin");
  const auto kept = uniqueRoom();
  const auto client = openWs(port(), demoted.token);
  ASSERT_TRUE(subscribes(*client, "example:admins"));
  ASSERT_TRUE(subscribes(*client, kept));
  db().sql().query("UPDATE users SET role = 'cs' WHERE id = $1", {std::to_string(demoted.id)});
  const auto csToken = loginOk(port(), demoted.account).accessToken;
  ASSERT_TRUE(client->sendJson({{"type", "auth"}, {"token", csToken}}));
  const auto answer = client->waitFor(
      [](const nlohmann::json& m) {
        const auto type = m.value("type", "");
        return type == "authenticated" || type == "error";
      },
      kWait);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "authenticated") << answer->dump();
  const auto ended = client->waitForType("unsubscribed", kWait, "example:admins");
  ASSERT_TRUE(ended) << "the subscription the new token may not hold was not ended";
  EXPECT_EQ(ended->value("reason", ""), "forbidden") << ended->dump();
  const auto published = publish(port(), admin().token, kept, "example.thing", {});
  EXPECT_FALSE(collectEvents(*client, kept, published.at("offset").get<std::int64_t>()).offsets.empty())
      << "the subscription still allowed was ended too";
  for (const auto& message : client->setAside())
    EXPECT_FALSE(message.value("type", "") == "unsubscribed" && message.value("room", "") == kept) << message.dump();
}

TEST_F(RealtimeRooms, AuthWithABadTokenIsUnauthorizedAndKeepsTheConnection) {
  const auto client = openWs(port(), alice().token);
  ASSERT_TRUE(client->sendJson({{"type", "auth"}, {"token", "not-a-token"}}));
  const auto error = client->waitForType("error", kWait);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->value("code", ""), "unauthorized") << error->dump();
  EXPECT_TRUE(client->roundTrip());
}

// ----------------------------------------------------------------------------------------------------------------
// Protocol errors close only the offending connection, with the code of docs/realtime.md

class RealtimeProtocolErrors : public RealtimeSuite<RealtimeProtocolErrors> {
 public:
  static void configure(Environment& env) {
    env["MONTI_REALTIME_MAX_MESSAGE_BYTES"] = "1024";
    env["MONTI_REALTIME_MAX_MESSAGES_PER_SECOND"] = "5";
  }

 protected:
  void SetUp() override {
    RealtimeSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    room_ = uniqueRoom();
    victim_ = openWs(port(), alice().token);
    bystander_ = openWs(port(), bob().token);
    ASSERT_TRUE(subscribes(*victim_, room_));
    ASSERT_TRUE(subscribes(*bystander_, room_));
  }

  // The victim gets a close frame with `code` and the connection ends; the bystander still works.
  void expectOnlyVictimClosedWith(int code) {
    const auto end = victim_->waitForEnd(kWait);
    ASSERT_TRUE(end) << "the connection is still open " << kWait.count() << " s later";
    EXPECT_TRUE(end->closeFrame) << end->describe();
    EXPECT_EQ(end->code.value_or(0), code) << end->describe();
    EXPECT_TRUE(bystander_->roundTrip()) << "the other connection stopped working";
    const auto published = publish(port(), admin().token, room_, "example.thing", {{"after", code}});
    const auto got = collectEvents(*bystander_, room_, published.at("offset").get<std::int64_t>());
    EXPECT_FALSE(got.offsets.empty()) << "the other connection no longer receives events";
  }

  std::string room_;
  std::unique_ptr<WsClient> victim_;
  std::unique_ptr<WsClient> bystander_;
};

TEST_F(RealtimeProtocolErrors, UnmaskedFrameCloses1002) {
  ASSERT_TRUE(victim_->sendFrame(WsOpcode::kText, R"({"type":"ping"})", true, false));
  expectOnlyVictimClosedWith(1002);
}

TEST_F(RealtimeProtocolErrors, ReservedOpcodeCloses1002) {
  ASSERT_TRUE(victim_->sendRaw(WsClient::encodeFrame(0x3, "x")));
  expectOnlyVictimClosedWith(1002);
}

TEST_F(RealtimeProtocolErrors, ContinuationWithoutAFirstFragmentCloses1002) {
  ASSERT_TRUE(victim_->sendFrame(WsOpcode::kContinuation, R"({"type":"ping"})"));
  expectOnlyVictimClosedWith(1002);
}

TEST_F(RealtimeProtocolErrors, BinaryFrameCloses1003) {
  ASSERT_TRUE(victim_->sendFrame(WsOpcode::kBinary, std::string("\x01\x02\x03", 3)));
  expectOnlyVictimClosedWith(1003);
}

TEST_F(RealtimeProtocolErrors, InvalidUtf8TextCloses1007) {
  ASSERT_TRUE(victim_->sendText("{\"type\":\"ping\",\"x\":\"\xff\xfe\xc3\"}"));
  expectOnlyVictimClosedWith(1007);
}

TEST_F(RealtimeProtocolErrors, MessageOverTheLimitCloses1009) {
  const auto big = nlohmann::json{{"type", "ping"}, {"pad", std::string(4000, 'x')}}.dump();
  victim_->sendText(big);  // the server may close before reading it all
  expectOnlyVictimClosedWith(1009);
}

TEST_F(RealtimeProtocolErrors, FragmentedMessageOverTheLimitCloses1009) {
  const std::string piece(600, 'x');
  victim_->sendFrame(WsOpcode::kText, "{\"type\":\"ping\",\"pad\":\"" + piece, false);
  victim_->sendFrame(WsOpcode::kContinuation, piece, false);
  victim_->sendFrame(WsOpcode::kContinuation, "\"}", true);
  expectOnlyVictimClosedWith(1009);
}

TEST_F(RealtimeProtocolErrors, BurstOfMessagesPastTheRateCloses1008) {
  for (int i = 0; i < 50; ++i) {
    if (!victim_->sendJson({{"type", "ping"}})) break;
  }
  expectOnlyVictimClosedWith(1008);
}

TEST_F(RealtimeProtocolErrors, FragmentedMessageWithinTheLimitIsOneMessage) {
  const auto room = uniqueRoom();
  const auto message = nlohmann::json{{"type", "subscribe"}, {"room", room}}.dump();
  ASSERT_TRUE(victim_->sendFrame(WsOpcode::kText, message.substr(0, 10), false));
  ASSERT_TRUE(victim_->sendPing("between fragments"));  // control frames may interleave (RFC 6455 §5.4)
  ASSERT_TRUE(victim_->sendFrame(WsOpcode::kContinuation, message.substr(10), true));
  const auto answer = victim_->waitForType("subscribed", kWait, room);
  EXPECT_TRUE(answer) << "no subscribed for a fragmented subscribe";
}

TEST_F(RealtimeProtocolErrors, PingFrameIsAnsweredWithAPongOfTheSamePayload) {
  ASSERT_TRUE(victim_->sendPing("are you there"));
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  std::optional<WsFrame> pong;
  while (!pong && std::chrono::steady_clock::now() < deadline) {
    auto frame = victim_->nextFrame(std::chrono::milliseconds(200));
    if (frame && frame->opcode == static_cast<std::uint8_t>(WsOpcode::kPong)) pong = frame;
    if (victim_->end()) break;
  }
  ASSERT_TRUE(pong) << "no pong frame";
  EXPECT_EQ(pong->payload, "are you there");
  EXPECT_FALSE(pong->masked) << "a server must not mask its frames";
}

TEST_F(RealtimeProtocolErrors, ClientCloseIsAnsweredWithACloseFrame) {
  ASSERT_TRUE(victim_->sendClose(1000, "bye"));
  const auto end = victim_->waitForEnd(kWait);
  ASSERT_TRUE(end) << "the server did not end the connection after the client's close";
  EXPECT_TRUE(end->closeFrame) << end->describe();
  EXPECT_TRUE(bystander_->roundTrip());
}

// ----------------------------------------------------------------------------------------------------------------
// Token revocation and the connection limit

class RealtimeRevocation : public RealtimeSuite<RealtimeRevocation> {};

TEST_F(RealtimeRevocation, LogoutClosesTheConnectionsOfThatTokenWith1008) {
  const auto member = addMember(env(), port(), "viewer");
  const auto client = openWs(port(), member.token);
  ASSERT_TRUE(subscribes(*client, uniqueRoom()));
  const auto other = openWs(port(), alice().token);
  ASSERT_EQ(postJson(port(), "/api/v1/auth/logout", "{}", bearer(member.token)).status, 204);
  const auto end = client->waitForEnd(std::chrono::seconds(10));
  ASSERT_TRUE(end) << "the connection of a revoked token is still open 10 s after the logout";
  EXPECT_TRUE(end->closeFrame) << end->describe();
  EXPECT_EQ(end->code.value_or(0), 1008) << end->describe();
  EXPECT_TRUE(other->roundTrip()) << "another user's connection was closed too";
  WsClient again(port(), bearerHandshake(member.token));
  EXPECT_EQ(again.response().status, 401) << "the revoked token still upgrades";
}

class RealtimeTokenExpiry : public RealtimeSuite<RealtimeTokenExpiry> {
 public:
  static void configure(Environment& env) { env["JWT_EXPIRY"] = "4s"; }
};

TEST_F(RealtimeTokenExpiry, ConnectionIsClosedWith1008WhenItsTokenExpires) {
  const auto member = addMember(env(), port(), "viewer");  // a token issued now, valid 4 s
  const auto client = openWs(port(), member.token);
  ASSERT_TRUE(client->roundTrip());
  const auto end = client->waitForEnd(std::chrono::seconds(15));
  ASSERT_TRUE(end) << "the connection outlived its 4 s token by more than 10 s";
  EXPECT_TRUE(end->closeFrame) << end->describe();
  EXPECT_EQ(end->code.value_or(0), 1008) << end->describe();
}

class RealtimeConnectionLimit : public RealtimeSuite<RealtimeConnectionLimit> {
 public:
  static void configure(Environment& env) { env["MONTI_REALTIME_MAX_CONNECTIONS"] = "2"; }
};

TEST_F(RealtimeConnectionLimit, UpgradePastTheLimitAnswers503WithRetryAfterUntilOneCloses) {
  auto first = openWs(port(), alice().token);
  const auto second = openWs(port(), bob().token);
  ASSERT_TRUE(first->roundTrip());
  ASSERT_TRUE(second->roundTrip());
  WsClient third(port(), bearerHandshake(alice().token));
  EXPECT_FALSE(third.upgraded());
  EXPECT_EQ(third.response().status, 503) << third.response().body;
  EXPECT_TRUE(third.response().header("Retry-After")) << "503 without Retry-After";

  first->sendClose();
  first->waitForEnd(kWait);
  first.reset();
  const bool admitted = eventually([&] { return WsClient(port(), bearerHandshake(alice().token)).upgraded(); },
                                   std::chrono::seconds(5), std::chrono::milliseconds(100));
  EXPECT_TRUE(admitted) << "a connection slot never came free after one closed";
}

}  // namespace
}  // namespace monti::itest
