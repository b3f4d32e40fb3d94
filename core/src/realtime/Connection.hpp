#pragma once

#include "realtime/OutputQueue.hpp"
#include "realtime/RealtimeMetrics.hpp"
#include "realtime/ws/FrameCodec.hpp"

#include <monti/auth/Principal.hpp>
#include <monti/realtime/RoomRegistry.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace monti::realtime {

using Clock = std::chrono::steady_clock;

enum class Transport { websocket, sse };

/// What the HTTP side learnt about a client before handing its socket over.
struct ClientInfo {
  std::string remoteAddress;
  std::string userAgent;
};

/// One room a connection joined.
struct Subscription {
  std::string room;
  bool live = false;                 ///< false while the subscribe (listen, history) is in flight
  std::int64_t lastOffset = 0;       ///< the newest offset this connection was sent: older ones are skipped
  std::vector<RoomMessage> pending;  ///< live events that arrived while not yet live
};

/// One client socket on an event loop: its output queue, the WebSocket decoder or SSE state, its rooms.
/// Touched only by its loop's thread. Closes the socket on destruction.
class Connection {
 public:
  enum class State { open, closing };

  Connection(Transport transport, std::uint64_t id, int fd, auth::Principal user, ClientInfo info,
             std::size_t maxMessageBytes);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Transport transport() const noexcept { return transport_; }
  std::uint64_t id() const noexcept { return id_; }
  int fd() const noexcept { return fd_; }
  const auth::Principal& user() const noexcept { return user_; }
  void setUser(auth::Principal user) { user_ = std::move(user); }
  const ClientInfo& info() const noexcept { return info_; }
  State state() const noexcept { return state_; }

  ws::FrameDecoder& decoder() noexcept { return decoder_; }
  OutputQueue& output() noexcept { return output_; }
  std::map<std::string, Subscription, std::less<>>& subscriptions() noexcept { return subscriptions_; }

  /// A text message to this client: a WebSocket text frame, or for SSE an `event: <sseEvent>` message.
  void sendText(const std::string& json, std::string_view sseEvent);
  /// Queues an already encoded chunk (a broadcast frame shared with other connections).
  void sendChunk(const OutputQueue::Chunk& chunk) { output_.push(chunk); }
  /// The SSE id for a stream position: "<room>@<offset>", or every room's position comma-separated on a
  /// stream over several rooms (so one Last-Event-ID resumes them all).
  std::string sseId() const;

  /// Starts the closing handshake: a close frame (WebSocket), then the write side is shut once it is sent.
  void beginClose(std::uint16_t code, std::string_view reason, DisconnectReason why);
  DisconnectReason closeReason() const noexcept { return closeReason_; }
  Clock::time_point closeDeadline() const noexcept { return closeDeadline_; }

  // Liveness (heartbeat) and inbound rate limiting.
  void markReceived(Clock::time_point now) noexcept { lastReceived_ = now; }
  Clock::time_point lastReceived() const noexcept { return lastReceived_; }
  Clock::time_point lastPing() const noexcept { return lastPing_; }
  void markPinged(Clock::time_point now) noexcept { lastPing_ = now; }
  Clock::time_point lastActivityReport() const noexcept { return lastActivityReport_; }
  void markActivityReported(Clock::time_point now) noexcept { lastActivityReport_ = now; }
  /// Token bucket: false when the client sent more than `perSecond` messages in the last second or so.
  bool takeMessageToken(Clock::time_point now, int perSecond) noexcept;

  bool writeInterest = false;  ///< EPOLLOUT registered (maintained by the loop)

 private:
  Transport transport_;
  std::uint64_t id_;
  int fd_;
  auth::Principal user_;
  ClientInfo info_;
  State state_ = State::open;
  DisconnectReason closeReason_ = DisconnectReason::client;
  Clock::time_point closeDeadline_{};
  ws::FrameDecoder decoder_;
  OutputQueue output_;
  std::map<std::string, Subscription, std::less<>> subscriptions_;
  Clock::time_point lastReceived_ = Clock::now();
  Clock::time_point lastPing_ = Clock::now();
  Clock::time_point lastActivityReport_ = Clock::now();
  double tokens_ = -1;  // < 0: bucket not started
  Clock::time_point tokensAt_{};
};

}  // namespace monti::realtime
