#include "realtime/RealtimeHttp.hpp"

#include "realtime/ws/FrameCodec.hpp"

#include <monti/http/Errors.hpp>

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/StreamSocket.h>

#include <unistd.h>

#include <charconv>

namespace monti::realtime {
namespace {

/// What the route decided, for the handover on the same worker thread.
struct StreamTakeover final : http::Takeover {
  Transport transport = Transport::websocket;
  auth::Principal user;
  std::string subprotocol;  // echoed to the client ("monti") when it offered one
  std::vector<SubscribeRequest> rooms;
};

/// Reads the bytes Poco's HTTP session buffered past the request (a client may send its first frame right
/// behind the handshake). HTTPSession keeps them behind protected members: a pointer to member formed in a
/// derived class is the standard-conforming way to reach them.
class SessionBuffer : public Poco::Net::HTTPSession {
 public:
  static std::string drain(Poco::Net::HTTPSession& session) {
    const auto bufferedOf = &SessionBuffer::buffered;
    const auto readFrom = &SessionBuffer::read;
    std::string bytes;
    for (int n = (session.*bufferedOf)(); n > 0; n = (session.*bufferedOf)()) {
      const auto at = bytes.size();
      bytes.resize(at + static_cast<std::size_t>(n));
      const int got = (session.*readFrom)(bytes.data() + at, n);
      bytes.resize(at + static_cast<std::size_t>(std::max(got, 0)));
      if (got <= 0) break;
    }
    return bytes;
  }
};

bool containsToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (item.size() == token.size() && std::equal(item.begin(), item.end(), token.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

http::Response upgradeRequired(std::string_view why) {
  auto response =
      http::Response::rawJson(http::errorBody(http::HttpError(426, "upgrade_required", std::string(why)), ""), 426);
  response.setHeader("Upgrade", "websocket");
  response.setHeader("Sec-WebSocket-Version", "13");
  return response;
}

void requireRoom(const Hub& hub, const auth::Principal& user, const std::string& room, std::string_view field) {
  const auto match = hub.rooms().find(room);
  if (!match) throw http::BadRequest::field(std::string(field), "no such room: " + room);
  if (!(*match->mayJoin)(user, match->params)) throw http::Forbidden("you may not join the room " + room);
}

http::Response webSocket(const http::Request& request, Hub& hub) {
  const auto upgrade = request.header("Upgrade");
  const auto connection = request.header("Connection");
  if (!upgrade || !containsToken(*upgrade, "websocket") || !connection || !containsToken(*connection, "upgrade")) {
    return upgradeRequired("this endpoint speaks WebSocket: send Upgrade: websocket");
  }
  if (request.header("Sec-WebSocket-Version").value_or("") != "13") {
    return upgradeRequired("only WebSocket version 13 is supported");
  }
  if (request.header("Sec-WebSocket-Key").value_or("").empty()) throw http::BadRequest("Sec-WebSocket-Key is missing");
  if (hub.full())
    throw http::ServiceUnavailable("this node holds as many connections as it may", std::chrono::seconds(5));
  auto takeover = std::make_shared<StreamTakeover>();
  takeover->transport = Transport::websocket;
  takeover->user = *request.user();
  if (const auto offered = request.header("Sec-WebSocket-Protocol"); offered && containsToken(*offered, "monti")) {
    takeover->subprotocol = "monti";
  }
  auto response = http::Response::text("", "", 101);
  response.setTakeover(std::move(takeover));
  return response;
}

/// "a@42,b@7" (or a single "a@42") into room positions; malformed parts are ignored (no recovery for them).
std::vector<std::pair<std::string, std::int64_t>> parseLastEventId(std::string_view id) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (!id.empty()) {
    const auto comma = id.find(',');
    const auto part = id.substr(0, comma);
    const auto at = part.rfind('@');
    std::int64_t offset = 0;
    if (at != std::string_view::npos) {
      const auto digits = part.substr(at + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
      if (ec == std::errc{} && end == digits.data() + digits.size() && offset >= 0) {
        out.emplace_back(std::string(part.substr(0, at)), offset);
      }
    }
    id = comma == std::string_view::npos ? std::string_view() : id.substr(comma + 1);
  }
  return out;
}

http::Response serverSentEvents(const http::Request& request, Hub& hub) {
  const auto rooms = request.query("rooms").value_or("");
  if (rooms.empty()) throw http::BadRequest::field("rooms", "name at least one room (comma-separated)");
  const auto positions = parseLastEventId(request.header("Last-Event-ID").value_or(""));
  auto takeover = std::make_shared<StreamTakeover>();
  takeover->transport = Transport::sse;
  takeover->user = *request.user();
  std::string_view list(rooms);
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string room(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (room.empty()) continue;
    requireRoom(hub, *request.user(), room, "rooms");
    SubscribeRequest subscribe{room, std::nullopt};
    for (const auto& [name, offset] : positions)
      if (name == room) subscribe.since = Since{offset, {}};
    takeover->rooms.push_back(std::move(subscribe));
  }
  if (static_cast<int>(takeover->rooms.size()) > hub.config().maxSubscriptions) {
    throw http::BadRequest::field("rooms", "at most " + std::to_string(hub.config().maxSubscriptions) + " rooms");
  }
  if (hub.full())
    throw http::ServiceUnavailable("this node holds as many connections as it may", std::chrono::seconds(5));
  auto response = http::Response::text("", "text/event-stream", 200);
  response.setTakeover(std::move(takeover));
  return response;
}

http::Response presence(const http::Request& request, Hub& hub) {
  const auto room = request.query("room").value_or("");
  if (room.empty()) throw http::BadRequest::field("room", "is required");
  requireRoom(hub, *request.user(), room, "room");
  try {
    const auto users = hub.presence(request.user()->tenant, room);
    return http::Response::json({{"room", room}, {"count", users.size()}, {"users", users}});
  } catch (const std::runtime_error&) {
    throw http::ServiceUnavailable("presence is unavailable right now", std::chrono::seconds(1));
  }
}

/// One {room, event, data} item; `where` prefixes the field names of problems ("" or "events[3].").
Hub::RoomEventInput publishItem(const nlohmann::json& item, const std::string& where,
                                std::vector<http::FieldError>& problems) {
  if (!item.is_object()) {
    problems.push_back({where.empty() ? "body" : where.substr(0, where.size() - 1), "must be an object"});
    return {};
  }
  const auto room = item.find("room");
  const auto event = item.find("event");
  if (room == item.end() || !room->is_string()) problems.push_back({where + "room", "is required (a string)"});
  if (event == item.end() || !event->is_string()) problems.push_back({where + "event", "is required (a string)"});
  if (!problems.empty()) return {};
  return {room->get<std::string>(), event->get<std::string>(), item.value("data", nlohmann::json::object())};
}

/// {room, event, data} → 202 {room, offset, epoch}; or {events: [{room, event, data}, …]} (up to
/// kMaxBatch, published together at the cost of about one) → 202 {published: [{room, offset, epoch}, …]}.
http::Response publish(const http::Request& request, Hub& hub) {
  constexpr std::size_t kMaxBatch = 500;
  const auto& body = request.json();
  if (!body.is_object()) throw http::BadRequest("expected a JSON object {room, event, data} or {events: [...]}");
  std::vector<http::FieldError> problems;
  std::vector<Hub::RoomEventInput> items;
  const auto events = body.find("events");
  const bool batch = events != body.end();
  if (batch) {
    if (!events->is_array() || events->empty() || events->size() > kMaxBatch) {
      throw http::BadRequest::field("events", "must be a list of 1 to 500 {room, event, data}");
    }
    for (std::size_t i = 0; i < events->size(); ++i)
      items.push_back(publishItem((*events)[i], "events[" + std::to_string(i) + "].", problems));
  } else {
    items.push_back(publishItem(body, "", problems));
  }
  if (!problems.empty()) throw http::BadRequest("invalid publish request", std::move(problems));
  try {
    const auto placed = hub.publishMany(request.user()->tenant, items);
    nlohmann::json answers = nlohmann::json::array();
    for (std::size_t i = 0; i < placed.size(); ++i)
      answers.push_back({{"room", items[i].room}, {"offset", placed[i].offset}, {"epoch", placed[i].epoch}});
    return http::Response::json(batch ? nlohmann::json{{"published", std::move(answers)}} : answers.front(), 202);
  } catch (const std::invalid_argument& e) {
    throw http::BadRequest("invalid publish request", {http::FieldError{batch ? "events" : "room", e.what()}});
  } catch (const std::runtime_error&) {
    throw http::ServiceUnavailable("the realtime broker is unavailable", std::chrono::seconds(1));
  }
}

}  // namespace

const std::vector<std::string>& streamRoutePatterns() {
  static const std::vector<std::string> patterns{"/ws", "/api/v1/ws", "/api/v1/events"};
  return patterns;
}

void registerRealtimeRoutes(http::Router& router, Hub& hub) {
  const auto add = [&](std::string method, std::string pattern, std::string_view permission, auto handler) {
    router.add(http::Route{std::move(method), std::move(pattern), std::string(permission), "core",
                           [&hub, handler](const http::Request& r) { return handler(r, hub); }});
  };
  add("GET", "/ws", http::kAuthenticated, webSocket);
  add("GET", "/api/v1/ws", http::kAuthenticated, webSocket);
  add("GET", "/api/v1/events", http::kAuthenticated, serverSentEvents);
  add("GET", "/api/v1/realtime/presence", http::kAuthenticated, presence);
  add("POST", "/api/v1/admin/realtime/publish", "publish:realtime", publish);
}

void HubTakeover::take(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                       const http::Response& outcome) {
  const auto* takeover = dynamic_cast<const StreamTakeover*>(outcome.takeover().get());
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (takeover == nullptr || impl == nullptr) throw std::logic_error("realtime: unexpected takeover");
  if (takeover->transport == Transport::websocket) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
    response.set("Upgrade", "websocket");
    response.set("Connection", "Upgrade");
    response.set("Sec-WebSocket-Accept", ws::acceptKey(request.get("Sec-WebSocket-Key")));
    if (!takeover->subprotocol.empty()) response.set("Sec-WebSocket-Protocol", takeover->subprotocol);
  } else {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("text/event-stream; charset=utf-8");
    response.set("Cache-Control", "no-cache");
    response.set("X-Accel-Buffering", "no");  // nginx: pass events through unbuffered
    response.setKeepAlive(false);             // the stream ends with the connection
  }
  response.setContentLength(Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH);
  response.send().flush();
  std::string initialBytes = SessionBuffer::drain(impl->session());
  Poco::Net::StreamSocket socket = impl->detachSocket();
  // Our own descriptor: Poco closes its copy when its socket object goes, ours lives on in the loop.
  const int fd = ::dup(socket.impl()->sockfd());
  if (fd < 0) return;
  ClientInfo info{request.clientAddress().host().toString(), request.get("User-Agent", "")};
  hub_.adopt(takeover->transport, fd, std::move(initialBytes), takeover->user, std::move(info), takeover->rooms);
}

}  // namespace monti::realtime
