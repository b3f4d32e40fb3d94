// The WebSocket side of an event loop: frames in, protocol messages dispatched (docs/realtime.md).
#include "realtime/EventLoop.hpp"
#include "realtime/Frames.hpp"
#include "realtime/Hub.hpp"

#include <monti/http/Errors.hpp>

#include <nlohmann/json.hpp>

namespace monti::realtime {
namespace {

DisconnectReason reasonFor(std::uint16_t closeCode) {
  switch (closeCode) {
    case ws::close_code::invalidPayload:
      return DisconnectReason::invalidUtf8;
    case ws::close_code::messageTooBig:
      return DisconnectReason::tooBig;
    default:
      return DisconnectReason::protocol;
  }
}

std::optional<Since> parseSince(const nlohmann::json& since) {
  if (!since.is_object()) return std::nullopt;
  const auto offset = since.find("offset");
  if (offset == since.end() || !offset->is_number_integer() || offset->get<std::int64_t>() < 0) return std::nullopt;
  Since out{offset->get<std::int64_t>(), {}};
  if (const auto epoch = since.find("epoch"); epoch != since.end() && epoch->is_string()) {
    out.epoch = epoch->get<std::string>();
  }
  return out;
}

}  // namespace

void EventLoop::closeForError(Connection& c, const ws::ProtocolError& error) {
  c.beginClose(error.closeCode, error.reason, reasonFor(error.closeCode));
}

void EventLoop::handleBytes(Connection& c, const char* data, std::size_t size) {
  if (c.transport() != Transport::websocket) return;  // an SSE client has nothing to say
  c.markReceived(Clock::now());
  auto& decoder = c.decoder();
  decoder.feed(data, size);
  while (c.state() == Connection::State::open) {
    auto message = decoder.next();
    if (!message) {
      if (decoder.error()) closeForError(c, *decoder.error());
      break;
    }
    handleMessage(c, *message);
  }
}

void EventLoop::handleMessage(Connection& c, ws::Message& message) {
  switch (message.opcode) {
    case ws::Opcode::pong:
      return;  // markReceived already counted it as a sign of life
    case ws::Opcode::close: {
      // Echo the peer's code (RFC 6455 §5.5.1), then wait for it to close the TCP connection.
      const auto code = ws::closeCodeOf(message.payload);
      c.beginClose(code == ws::close_code::noStatus ? ws::close_code::normal : code, {}, DisconnectReason::client);
      return;
    }
    default:
      break;
  }
  metrics_.messagesIn.inc();
  if (!c.takeMessageToken(Clock::now(), config_.maxMessagesPerSecond)) {
    c.beginClose(ws::close_code::policyViolation, "message rate exceeded", DisconnectReason::rateLimit);
    return;
  }
  switch (message.opcode) {
    case ws::Opcode::ping:
      c.output().push(ws::encodeFrame(ws::Opcode::pong, message.payload));
      return;
    case ws::Opcode::binary:
      c.beginClose(ws::close_code::unsupportedData, "binary messages are not supported", DisconnectReason::protocol);
      return;
    default:
      handleText(c, message.payload);
      return;
  }
}

void EventLoop::handleText(Connection& c, const std::string& text) {
  const auto message = nlohmann::json::parse(text, nullptr, false);
  const auto bad = [&c](std::string_view why) { c.sendText(frames::error("bad_message", why), "error"); };
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
    bad("expected a JSON object with a string \"type\"");
    return;
  }
  const auto& type = message["type"].get_ref<const std::string&>();
  if (type == "ping") {
    c.sendText(R"({"type":"pong"})", "pong");
    return;
  }
  if (type == "auth") {
    const auto token = message.find("token");
    if (token == message.end() || !token->is_string()) return bad("auth needs a string \"token\"");
    handleAuth(c, token->get<std::string>());
    return;
  }
  const auto room = message.find("room");
  if (room == message.end() || !room->is_string()) return bad("\"" + type + "\" needs a string \"room\"");
  const auto& roomName = room->get_ref<const std::string&>();
  if (type == "subscribe") {
    std::optional<Since> since;
    if (const auto s = message.find("since"); s != message.end() && !s->is_null()) {
      since = parseSince(*s);
      if (!since) return bad("since must be {\"offset\": a number >= 0, \"epoch\": a string}");
    }
    subscribe(c, SubscribeRequest{roomName, since});
  } else if (type == "unsubscribe") {
    if (!c.subscriptions().contains(roomName)) {
      c.sendText(frames::error("not_subscribed", "not subscribed to this room", roomName), "error");
      return;
    }
    unsubscribe(c, roomName);
    c.sendText(R"({"type":"unsubscribed","room":)" + frames::quoted(roomName) + "}", "unsubscribed");
  } else if (type == "presence") {
    handlePresence(c, roomName);
  } else {
    bad("unknown message type \"" + type + "\"");
  }
}

void EventLoop::handleAuth(Connection& c, const std::string& token) {
  hub_.control([this, &hub = hub_, id = c.id(), token] {
    std::optional<auth::Principal> user;
    std::string problem;
    try {
      user = hub.services().authenticate(token);
    } catch (const http::HttpError& e) {
      problem = e.what();
    }
    post([this, id, user = std::move(user), problem] {
      auto it = connections_.find(id);
      if (it == connections_.end()) return;
      Connection& conn = *it->second;
      if (!user || user->id != conn.user().id || user->tenant != conn.user().tenant) {
        conn.sendText(frames::error("unauthorized", user ? "the token is for another user" : problem), "error");
      } else {
        conn.setUser(*user);
        conn.sendText(R"({"type":"authenticated"})", "authenticated");
        recheckRooms(conn);
      }
      flush(conn);
    });
  });
}

void EventLoop::handlePresence(Connection& c, const std::string& room) {
  if (!admit(c, room)) return;
  hub_.control([this, &hub = hub_, id = c.id(), tenant = c.user().tenant, room] {
    std::string reply;
    try {
      nlohmann::json users = hub.presence(tenant, room);
      reply = nlohmann::json{{"type", "presence"}, {"room", room}, {"count", users.size()}, {"users", users}}.dump();
    } catch (const std::exception&) {
      reply = frames::error("unavailable", "presence is unavailable right now", room);
    }
    post([this, id, reply] {
      if (auto it = connections_.find(id); it != connections_.end()) {
        it->second->sendText(reply, "presence");
        flush(*it->second);
      }
    });
  });
}

}  // namespace monti::realtime
