#include "realtime/RealtimeMetrics.hpp"

namespace monti::realtime {

std::string_view reasonLabel(DisconnectReason reason) noexcept {
  switch (reason) {
    case DisconnectReason::client:
      return "client";
    case DisconnectReason::heartbeat:
      return "heartbeat";
    case DisconnectReason::slowConsumer:
      return "slow_consumer";
    case DisconnectReason::protocol:
      return "protocol";
    case DisconnectReason::invalidUtf8:
      return "invalid_utf8";
    case DisconnectReason::tooBig:
      return "too_big";
    case DisconnectReason::rateLimit:
      return "rate_limit";
    case DisconnectReason::revoked:
      return "revoked";
    case DisconnectReason::expired:
      return "expired";
    case DisconnectReason::shutdown:
      return "shutdown";
  }
  return "client";
}

RealtimeMetrics::RealtimeMetrics(obs::MetricsRegistry& r)
    : websocketConnections(
          r.gauge("monti_realtime_connections", "Open realtime connections", {{"transport", "websocket"}})),
      sseConnections(r.gauge("monti_realtime_connections", "Open realtime connections", {{"transport", "sse"}})),
      subscriptions(r.gauge("monti_realtime_subscriptions", "Room subscriptions of this node's connections")),
      rooms(r.gauge("monti_realtime_rooms", "Rooms with subscribers on this node")),
      queueBytes(r.gauge("monti_realtime_queue_bytes", "Bytes waiting in connection send queues")),
      framesOut(r.counter("monti_realtime_frames_out_total", "Frames (WebSocket) and messages (SSE) sent")),
      bytesOut(r.counter("monti_realtime_bytes_out_total", "Bytes queued to realtime clients")),
      messagesIn(r.counter("monti_realtime_messages_in_total", "Messages received from realtime clients")),
      bytesIn(r.counter("monti_realtime_bytes_in_total", "Bytes received from realtime clients")),
      batches(r.counter("monti_realtime_batches_total", "Frames that carried several events of a room")),
      published(r.counter("monti_realtime_published_total", "Events this node published into rooms")),
      recovered(r.counter("monti_realtime_recoveries_total", "Subscriptions with since", {{"result", "recovered"}})),
      notRecovered(
          r.counter("monti_realtime_recoveries_total", "Subscriptions with since", {{"result", "not_recovered"}})),
      disconnects{} {
  for (int i = 0; i < kDisconnectReasons; ++i) {
    disconnects[i] = &r.counter("monti_realtime_disconnects_total", "Realtime connections ended, by reason",
                                {{"reason", std::string(reasonLabel(static_cast<DisconnectReason>(i)))}});
  }
}

}  // namespace monti::realtime
