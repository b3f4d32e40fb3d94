// Rooms on an event loop: subscriptions (with recovery), batching windows and the fan-out of frames.
#include "realtime/EventLoop.hpp"
#include "realtime/Frames.hpp"
#include "realtime/Hub.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace monti::realtime {
namespace {

/// True when `history` still holds every event after `since`, so replaying it loses nothing.
bool canRecover(const Since& since, const RoomHistory& history) {
  if (!since.epoch.empty() && since.epoch != history.epoch) return false;
  if (since.offset > history.offset) return false;
  if (since.offset == history.offset) return true;
  return !history.events.empty() && history.events.front().offset <= since.offset + 1 &&
         history.events.back().offset == history.offset;
}

}  // namespace

std::string EventLoop::keyOf(const Connection& c, std::string_view room) const {
  return roomKey(c.user().tenant, room);
}

std::optional<RoomMatch> EventLoop::admit(Connection& c, const std::string& room) {
  auto match = hub_.rooms().find(room);
  if (!match) {
    c.sendText(frames::error("unknown_room", "no such room", room), "error");
    return std::nullopt;
  }
  if (!(*match->mayJoin)(c.user(), match->params)) {
    c.sendText(frames::error("forbidden", "you may not join this room", room), "error");
    return std::nullopt;
  }
  return match;
}

void EventLoop::subscribe(Connection& c, const SubscribeRequest& request) {
  const auto& room = request.room;
  const auto match = admit(c, room);
  if (!match) return;
  if (c.subscriptions().contains(room)) {
    c.sendText(frames::error("already_subscribed", "already subscribed to this room", room), "error");
    return;
  }
  if (static_cast<int>(c.subscriptions().size()) >= config_.maxSubscriptions) {
    c.sendText(frames::error("too_many_subscriptions",
                             "a connection may join at most " + std::to_string(config_.maxSubscriptions) + " rooms"),
               "error");
    return;
  }
  const std::string key = keyOf(c, room);
  auto& subscription = c.subscriptions()
                           .emplace(room, Subscription{room, false, request.since ? request.since->offset : 0, {}})
                           .first->second;
  auto [it, created] = rooms_.try_emplace(key);
  if (created) {
    it->second.room = room;
    it->second.match = *match;
    metrics_.rooms.inc();
  }
  it->second.subscribers.push_back({&c, &subscription});
  metrics_.subscriptions.inc();

  hub_.control([this, &hub = hub_, id = c.id(), key, room, since = request.since, user = c.user()] {
    try {
      RoomHistory history = hub.joinRoom(id, key, room, user);
      post([this, id, room, since, history = std::move(history)] { finishSubscribe(id, room, since, history); });
    } catch (const std::exception& e) {
      hub.services().logger.warn("realtime: subscribe failed", {{"room", room}, {"error", e.what()}});
      post([this, id, room] { failSubscribe(id, room); });
    }
  });
}

void EventLoop::finishSubscribe(std::uint64_t connectionId, const std::string& room, const std::optional<Since>& since,
                                const RoomHistory& history) {
  auto it = connections_.find(connectionId);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  auto sub = c.subscriptions().find(room);
  if (sub == c.subscriptions().end() || sub->second.live) return;  // unsubscribed meanwhile
  Subscription& s = sub->second;
  const bool recovered = since && canRecover(*since, history);
  if (since) (recovered ? metrics_.recovered : metrics_.notRecovered).inc();
  s.lastOffset = recovered ? since->offset : history.offset;
  c.sendText(frames::subscribed(room, recovered, history.epoch, history.offset), "subscribed");
  std::vector<RoomMessage> missed;
  if (recovered) {
    for (const auto& m : history.events)
      if (m.offset > s.lastOffset) missed.push_back(m);
  }
  for (auto& m : s.pending)
    if (m.offset > (missed.empty() ? s.lastOffset : missed.back().offset)) missed.push_back(std::move(m));
  s.pending.clear();
  s.live = true;
  for (const auto& m : missed)
    sendEvents(c, s, room, {m});
  flush(c);
}

void EventLoop::failSubscribe(std::uint64_t connectionId, const std::string& room) {
  auto it = connections_.find(connectionId);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (!c.subscriptions().contains(room)) return;
  unsubscribe(c, room);
  c.sendText(frames::error("unavailable", "the room cannot be joined right now, try again", room), "error");
  flush(c);
}

void EventLoop::unsubscribe(Connection& c, const std::string& room) {
  auto sub = c.subscriptions().find(room);
  if (sub == c.subscriptions().end()) return;
  const std::string key = keyOf(c, room);
  if (auto it = rooms_.find(key); it != rooms_.end()) {
    auto& subscribers = it->second.subscribers;
    std::erase_if(subscribers, [&c](const LocalRoom::Member& m) { return m.connection == &c; });
    if (subscribers.empty()) {
      rooms_.erase(it);
      metrics_.rooms.dec();
    }
  }
  c.subscriptions().erase(sub);
  metrics_.subscriptions.dec();
  hub_.control([&hub = hub_, id = c.id(), key] { hub.leaveRoom(id, key); });
}

void EventLoop::recheckRooms(Connection& c) {
  std::vector<std::string> refused;
  for (const auto& [room, sub] : c.subscriptions()) {
    const auto match = hub_.rooms().find(room);
    if (!match || !(*match->mayJoin)(c.user(), match->params)) refused.push_back(room);
  }
  for (const auto& room : refused) {
    unsubscribe(c, room);
    c.sendText(R"({"type":"unsubscribed","room":)" + frames::quoted(room) + R"(,"reason":"forbidden"})",
               "unsubscribed");
  }
}

void EventLoop::deliver(const std::string& key, const BrokerMessage& message) {
  auto it = rooms_.find(key);
  if (it == rooms_.end()) return;
  LocalRoom& room = it->second;
  if (message.kind == BrokerMessage::Kind::signal) {
    const auto frame = std::make_shared<const std::string>(ws::encodeFrame(ws::Opcode::text, message.signal));
    const auto type = nlohmann::json::parse(message.signal, nullptr, false).value("type", "presence");
    std::vector<Connection*> written;
    for (auto [c, sub] : room.subscribers) {
      if (!sub->live) continue;
      if (c->transport() == Transport::websocket) {
        c->sendChunk(frame);
      } else {
        c->sendText(message.signal, type);
      }
      written.push_back(c);
    }
    flushAll(written);
    return;
  }
  bool anyLive = false;
  for (auto [c, sub] : room.subscribers) {
    if (sub->live) {
      anyLive = true;
    } else {
      sub->pending.push_back(message.event);
    }
  }
  if (!anyLive) return;
  room.pending.push_back(message.event);
  if (room.flushScheduled) return;
  const auto now = Clock::now();
  const auto windowEnds = room.lastFlush + config_.batchWindow;
  if (now >= windowEnds) {
    flushRoom(key, room, now);  // first event after a quiet window: no waiting
  } else {
    room.flushScheduled = true;
    flushes_.emplace(windowEnds, key);
  }
}

void EventLoop::runDueFlushes(Clock::time_point now) {
  while (!flushes_.empty() && flushes_.top().first <= now) {
    const std::string key = flushes_.top().second;
    flushes_.pop();
    auto it = rooms_.find(key);
    if (it != rooms_.end() && it->second.flushScheduled) flushRoom(key, it->second, now);
  }
}

void EventLoop::flushRoom(const std::string& /*key*/, LocalRoom& room, Clock::time_point now) {
  room.flushScheduled = false;
  room.lastFlush = now;
  std::vector<RoomMessage> events;
  events.swap(room.pending);
  if (events.empty()) return;
  if (room.match.aggregator != nullptr) {
    const auto last = events.back().offset;
    std::vector<RoomMessage> condensed;
    try {
      for (auto& [name, data] : (*room.match.aggregator)(events, room.match.params))
        condensed.push_back(RoomMessage{last, std::move(name), data.dump()});
    } catch (const std::exception& e) {
      // A plugin's bug must not take the loop down: the raw events go out instead.
      logger_.error("realtime: room aggregator failed", {{"room", room.room}, {"error", e.what()}});
      condensed = events;
    }
    events.swap(condensed);
    if (events.empty()) return;
  }
  const std::int64_t lastOffset = events.back().offset;
  OutputQueue::Chunk wsFrame;  // encoded once, shared by every WebSocket subscriber
  std::uint64_t shared = 0;
  std::vector<Connection*> written;
  written.reserve(room.subscribers.size());
  for (auto [c, sub] : room.subscribers) {
    if (!sub->live || sub->lastOffset >= lastOffset) continue;
    if (c->transport() == Transport::websocket) {
      if (!wsFrame) {
        const auto text =
            events.size() == 1 ? frames::event(room.room, events.front()) : frames::batch(room.room, events);
        wsFrame = std::make_shared<const std::string>(ws::encodeFrame(ws::Opcode::text, text));
        if (events.size() > 1) metrics_.batches.inc();
      }
      sub->lastOffset = lastOffset;
      c->sendChunk(wsFrame);
      ++shared;
    } else {
      sendEvents(*c, *sub, room.room, events);
    }
    written.push_back(c);
  }
  if (shared > 0) {
    metrics_.framesOut.inc(shared);
    metrics_.bytesOut.inc(shared * wsFrame->size());
  }
  flushAll(written);  // last: it may drop slow consumers, and with them this room
}

void EventLoop::flushAll(const std::vector<Connection*>& connections) {
  // Each connection is listed once, and flushing one destroys at most that one, so every pointer not yet
  // reached is still valid: no lookup by id per frame.
  for (Connection* c : connections)
    flush(*c);
}

void EventLoop::sendEvents(Connection& c, Subscription& sub, const std::string& room,
                           const std::vector<RoomMessage>& events) {
  if (c.transport() == Transport::websocket) {
    const auto text = events.size() == 1 ? frames::event(room, events.front()) : frames::batch(room, events);
    sub.lastOffset = events.back().offset;
    c.output().push(ws::encodeFrame(ws::Opcode::text, text));
    metrics_.framesOut.inc();
    return;
  }
  for (const auto& m : events) {
    sub.lastOffset = m.offset;
    auto text = frames::sse(c.sseId(), m.event, m.data);
    metrics_.bytesOut.inc(text.size());
    c.output().push(std::move(text));
    metrics_.framesOut.inc();
  }
}

}  // namespace monti::realtime
