#pragma once
/// Realtime rooms a plugin offers: who may join each, which committed events flow into them, and how a
/// room's batch of events may be condensed before it is sent.

#include <monti/auth/Principal.hpp>
#include <monti/events/Event.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace monti::realtime {

/// Values of the `{placeholders}` in a room pattern, e.g. {"id", "42"} for "agent:{id}".
using RoomParams = std::vector<std::pair<std::string, std::string>>;
/// Decides whether `user` may join the room. Called concurrently from event-loop threads: keep it fast and
/// free of I/O (the principal carries role, tenant, departments and locations).
using JoinRule = std::function<bool(const auth::Principal& user, const RoomParams& params)>;

/// One event for one room (in the tenant of the event that produced it).
struct RoomEvent {
  std::string room;   ///< e.g. "agents:department:Sales"
  std::string event;  ///< e.g. "agent.status_changed"
  nlohmann::json data;
};
/// Maps a committed event to the room events it causes (none is fine). Runs once per event in the whole
/// cluster, on the node that relays the outbox, in commit order.
using EventRoute = std::function<std::vector<RoomEvent>(const events::Event& event)>;

/// An event of a room as the hub holds it: `data` is serialised JSON.
struct RoomMessage {
  std::int64_t offset = 0;
  std::string event;
  std::string data;
};
/// Condenses the events one batch window collected for a room into what is sent instead, e.g. one grouped
/// snapshot (pairs of event name and data). Called on event-loop threads: fast and thread-safe.
using Aggregator = std::function<std::vector<std::pair<std::string, nlohmann::json>>(
    const std::vector<RoomMessage>& batch, const RoomParams& params)>;

/// A realtime connection that opened, showed activity or closed on this node (for per-connection records
/// such as seed 001 §1.4's agent_sessions).
struct ConnectionEvent {
  enum class Kind {
    opened,
    active,  ///< the client sent something; reported at most once a minute per connection
    closed,
  };
  std::string connectionId;  ///< unique on this node's run ("<node>-<n>")
  auth::Principal user;
  std::string transport;  ///< "websocket" or "sse"
  std::string remoteAddress;
  std::string userAgent;
  Kind kind = Kind::opened;
};
/// Runs on the hub's control thread, in order per connection; may do I/O (keep it short).
using ConnectionObserver = std::function<void(const ConnectionEvent& event)>;

class RoomRegistry {
 public:
  virtual ~RoomRegistry() = default;
  /// Declares a room pattern such as "agents:department:{name}". Throws RegistrationError when the
  /// pattern is malformed, already declared, or has no rule.
  virtual void room(std::string_view pattern, JoinRule mayJoin) = 0;
  /// Publishes what `route` returns for every committed event matching `eventPattern` ("agent.*").
  virtual void route(std::string_view eventPattern, EventRoute route) = 0;
  /// Sends what `aggregate` returns instead of the raw events of rooms matching `roomPattern` (a pattern
  /// this plugin declared).
  virtual void aggregate(std::string_view roomPattern, Aggregator aggregate) = 0;
  /// Calls `observer` when a realtime connection opens, is active, and closes.
  virtual void observeConnections(ConnectionObserver observer) = 0;
};

/// Where an event was placed in its room.
struct Published {
  std::int64_t offset = 0;
  std::string epoch;
};

/// Publishes events into rooms outside the outbox, e.g. frequent metrics that need no durability. Delivery
/// is best-effort; the room's history still lets reconnecting clients recover. Thread-safe.
class Publisher {
 public:
  virtual ~Publisher() = default;
  /// Throws std::invalid_argument for a room no plugin declared or data over realtime.max_event_bytes,
  /// kv::Unavailable-like std::runtime_error when the broker cannot be reached.
  virtual Published publish(std::string_view tenant, std::string_view room, std::string_view event,
                            const nlohmann::json& data) = 0;
  /// The room's current offset and epoch: serve it with a REST snapshot so that a client can subscribe with
  /// `since` and miss nothing in between. Throws like publish().
  virtual Published position(std::string_view tenant, std::string_view room) = 0;
};

}  // namespace monti::realtime
