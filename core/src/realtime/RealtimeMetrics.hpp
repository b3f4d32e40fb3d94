#pragma once

#include <monti/obs/Metrics.hpp>

#include <string_view>

namespace monti::realtime {

/// Why the hub ended a connection (the `reason` label of monti_realtime_disconnects_total).
enum class DisconnectReason {
  client,        ///< the client closed, or the socket failed
  heartbeat,     ///< two pings went unanswered
  slowConsumer,  ///< the send queue passed realtime.max_queue_bytes
  protocol,      ///< a malformed frame (1002) or binary data (1003)
  invalidUtf8,   ///< 1007
  tooBig,        ///< 1009
  rateLimit,     ///< more client messages per second than allowed
  revoked,       ///< the token was revoked
  expired,       ///< the token expired
  shutdown,      ///< the node is stopping
};
inline constexpr int kDisconnectReasons = 10;
std::string_view reasonLabel(DisconnectReason reason) noexcept;

/// The hub's instruments (docs/realtime.md "Metrics").
struct RealtimeMetrics {
  explicit RealtimeMetrics(obs::MetricsRegistry& registry);

  obs::Gauge& websocketConnections;
  obs::Gauge& sseConnections;
  obs::Gauge& subscriptions;
  obs::Gauge& rooms;
  obs::Gauge& queueBytes;
  obs::Counter& framesOut;
  obs::Counter& bytesOut;
  obs::Counter& messagesIn;
  obs::Counter& bytesIn;
  obs::Counter& batches;
  obs::Counter& published;
  obs::Counter& recovered;
  obs::Counter& notRecovered;
  obs::Counter* disconnects[kDisconnectReasons];

  obs::Counter& disconnect(DisconnectReason reason) noexcept { return *disconnects[static_cast<int>(reason)]; }
};

}  // namespace monti::realtime
