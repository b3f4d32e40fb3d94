#pragma once
/// Where room events get their offsets, where room history lives, and how room traffic and presence
/// reach every node. Redis for a cluster; in-process for a single node.

#include <monti/realtime/RoomRegistry.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace monti::realtime {

/// What one node receives for a room it listens to.
struct BrokerMessage {
  enum class Kind { event, signal };
  Kind kind = Kind::event;
  std::string epoch;   ///< events
  RoomMessage event;   ///< events
  std::string signal;  ///< signals: a complete JSON frame for the room's subscribers (join, leave)
};

/// A room's retained history.
struct RoomHistory {
  std::string epoch;
  std::int64_t offset = 0;          ///< the room's latest offset (0: nothing published yet)
  std::vector<RoomMessage> events;  ///< ascending offsets, possibly with older ones trimmed away
};

class RoomBroker {
 public:
  /// Runs on a broker thread; keep it short (the hub only posts to its loops).
  using Listener = std::function<void(const std::string& key, const BrokerMessage& message)>;

  virtual ~RoomBroker() = default;
  /// Set once before anything is published or listened to.
  virtual void setListener(Listener listener) = 0;

  /// Appends to the room's history and delivers to every node listening to `key`. Thread-safe.
  /// Throws std::runtime_error when the broker cannot be reached.
  virtual Published publish(const std::string& key, const std::string& event, const std::string& data) = 0;
  /// One room event of a publishMany() batch.
  struct PublishRequest {
    std::string key;
    std::string event;
    std::string data;
  };
  /// Publishes several events (in order) at the cost of about one: what the outbox relay's routing uses.
  /// Returns their places, in the same order. Throws std::runtime_error when the broker cannot be reached.
  virtual std::vector<Published> publishMany(const std::vector<PublishRequest>& requests) = 0;
  /// Delivers a frame that is not part of the room's history (presence). Best effort.
  virtual void signal(const std::string& key, const std::string& frame) = 0;

  /// This node wants `key`'s traffic; blocks until the broker confirmed, so a publish after it returns
  /// reaches this node. Counted: as many unlisten() as listen().
  virtual void listen(const std::string& key) = 0;
  virtual void unlisten(const std::string& key) = 0;

  virtual RoomHistory history(const std::string& key) = 0;

  /// Adds `delta` (+1/-1) to `member`'s connections in `set` on this node. True when the member thereby
  /// became present (first anywhere in the cluster) or absent (last anywhere). `info` is what members()
  /// returns for it.
  virtual bool track(const std::string& set, const std::string& member, const std::string& info, int delta) = 0;
  /// The infos of the members present in `set` on nodes that are alive.
  virtual std::vector<std::string> members(const std::string& set) = 0;
  /// Keeps this node counted as alive (called every few seconds).
  virtual void heartbeat() = 0;
};

/// A fresh random epoch (16 hex digits).
std::string newEpoch();

}  // namespace monti::realtime
