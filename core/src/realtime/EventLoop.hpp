#pragma once

#include "config/CoreConfig.hpp"
#include "realtime/Connection.hpp"
#include "realtime/RoomBroker.hpp"
#include "realtime/RoomCatalog.hpp"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace monti::realtime {

class Hub;

/// A client's position in a room: the last offset it saw, in which epoch ("" when unknown, as with SSE's
/// Last-Event-ID: then only the offsets are checked against the history).
struct Since {
  std::int64_t offset = 0;
  std::string epoch;
};

struct SubscribeRequest {
  std::string room;
  std::optional<Since> since;
};

/// One epoll thread serving many connections: non-blocking reads and writes, the WebSocket protocol, room
/// subscriptions, per-room batching and fan-out. Everything but post() runs on the loop's own thread, so
/// connection and room state needs no locks. Blocking work (the broker, authentication) goes to the
/// hub's control thread, whose results come back through post().
class EventLoop {
 public:
  EventLoop(Hub& hub, const config::RealtimeConfig& config, RealtimeMetrics& metrics, obs::Logger& logger);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void start();
  /// Closes every connection (1001 going away), gives the close frames a moment to leave, then joins.
  void stop();
  /// Runs `task` on the loop thread. Thread-safe.
  void post(std::function<void()> task);

  // Loop thread only (called through post()).
  void adopt(std::unique_ptr<Connection> connection, const std::string& initialBytes,
             const std::vector<SubscribeRequest>& rooms);
  void deliver(const std::string& key, const BrokerMessage& message);

 private:
  struct LocalRoom {
    std::string room;
    RoomMatch match;
    /// The subscription lives in the connection's map, whose nodes do not move: no lookup per frame.
    struct Member {
      Connection* connection;
      Subscription* subscription;
    };
    std::vector<Member> subscribers;
    std::vector<RoomMessage> pending;  // events of the current batch window
    Clock::time_point lastFlush{};
    bool flushScheduled = false;
  };
  using Deadline = std::pair<Clock::time_point, std::string>;

  void run();
  void runPosted();
  /// Handles one epoll event of connection `id`; an exception ends that connection only.
  void serve(std::uint64_t id, std::uint32_t flags);
  /// Runs a periodic step; an exception is logged and the loop goes on.
  void guarded(const char* what, const std::function<void()>& step);
  void runDueFlushes(Clock::time_point now);
  int nextTimeoutMs(Clock::time_point now) const;

  // I/O (EventLoop.cpp)
  void onReadable(Connection& c);
  void onWritable(Connection& c);
  void flush(Connection& c);
  /// Flushes each connection that still exists (an earlier flush may have dropped a later one's room).
  void flushAll(const std::vector<Connection*>& connections);
  void setWriteInterest(Connection& c, bool on);
  void destroy(Connection& c, DisconnectReason why);
  void sweep(Clock::time_point now);
  void closeAll();

  // WebSocket protocol and client messages (ClientMessages.cpp)
  void handleBytes(Connection& c, const char* data, std::size_t size);
  void handleMessage(Connection& c, ws::Message& message);
  void handleText(Connection& c, const std::string& text);
  void handleAuth(Connection& c, const std::string& token);
  void handlePresence(Connection& c, const std::string& room);
  void closeForError(Connection& c, const ws::ProtocolError& error);

  // Rooms (LoopRooms.cpp)
  /// The room `room` resolves to when `c` may join it; otherwise nullopt after telling the client why.
  std::optional<RoomMatch> admit(Connection& c, const std::string& room);
  void subscribe(Connection& c, const SubscribeRequest& request);
  void finishSubscribe(std::uint64_t connectionId, const std::string& room, const std::optional<Since>& since,
                       const RoomHistory& history);
  void failSubscribe(std::uint64_t connectionId, const std::string& room);
  void unsubscribe(Connection& c, const std::string& room);
  void recheckRooms(Connection& c);
  void flushRoom(const std::string& key, LocalRoom& room, Clock::time_point now);
  void sendEvents(Connection& c, Subscription& sub, const std::string& room, const std::vector<RoomMessage>& events);
  std::string keyOf(const Connection& c, std::string_view room) const;

  Hub& hub_;
  const config::RealtimeConfig& config_;
  RealtimeMetrics& metrics_;
  obs::Logger& logger_;
  int epoll_ = -1;
  int wakeup_ = -1;  // eventfd
  std::atomic<bool> stopping_{false};

  std::mutex postedMutex_;
  std::vector<std::function<void()>> posted_;

  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::string, LocalRoom> rooms_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> flushes_;
  Clock::time_point nextSweep_{};
  std::thread thread_;
};

}  // namespace monti::realtime
