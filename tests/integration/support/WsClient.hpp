#pragma once
/// A blocking WebSocket client (RFC 6455) on a raw POSIX socket, written for black-box tests of Monti's realtime
/// hub: it can send what a well-behaved client library refuses to (unmasked frames, bad opcodes, broken UTF-8,
/// oversized messages), see every frame the server sends, and report how the server ended the connection.
/// Not thread-safe: one thread uses one client.

#include "support/HttpClient.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace monti::itest {

/// Frame opcodes (RFC 6455 §5.2).
enum class WsOpcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

/// One frame as it came off the wire.
struct WsFrame {
  std::uint8_t opcode = 0;
  bool fin = true;
  bool masked = false;  ///< a server must never mask
  std::string payload;
};

/// How the connection ended, as far as this client saw it.
struct WsEnd {
  bool closeFrame = false;  ///< the server sent a close frame
  std::optional<int> code;  ///< its status code, when it carried one
  std::string reason;       ///< its reason text
  bool reset = false;       ///< the socket failed with ECONNRESET/EPIPE rather than a clean EOF
  std::string describe() const;
};

/// What the client does besides connecting.
struct WsOptions {
  bool autoPong = true;        ///< answer every server ping with a pong carrying the same payload
  int receiveBufferBytes = 0;  ///< SO_RCVBUF set before connecting (0: the system default)
};

/// The handshake request: GET `target` with the upgrade headers (unless `upgrade` is false) and `headers`.
struct WsHandshake {
  std::string target = "/ws";
  Headers headers;
  bool upgrade = true;
};

class WsClient {
 public:
  /// Connects to 127.0.0.1:`port` and sends the handshake; throws only when the TCP connection fails.
  WsClient(int port, const WsHandshake& handshake, WsOptions options = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;
  WsClient(WsClient&&) = delete;
  WsClient& operator=(WsClient&&) = delete;

  /// The server's answer to the handshake (status 0 when it closed without one). For a 101 the body is empty.
  const HttpResponse& response() const noexcept { return response_; }
  /// True when the server answered 101 with a correct Sec-WebSocket-Accept.
  bool upgraded() const noexcept { return upgraded_; }
  /// Why the handshake did not upgrade (empty when it did).
  const std::string& handshakeError() const noexcept { return handshakeError_; }

  // ---- sending (false when the socket refused the bytes: the server already closed) ----
  bool sendRaw(const std::string& bytes);
  /// One frame; masked with a random key unless `masked` is false.
  bool sendFrame(WsOpcode opcode, const std::string& payload, bool fin = true, bool masked = true);
  /// The bytes of one frame, for tests that want to mangle or split them.
  static std::string encodeFrame(std::uint8_t opcode, const std::string& payload, bool fin = true, bool masked = true);
  bool sendText(const std::string& text) { return sendFrame(WsOpcode::kText, text); }
  bool sendJson(const nlohmann::json& message) { return sendText(message.dump()); }
  bool sendPing(const std::string& payload = {}) { return sendFrame(WsOpcode::kPing, payload); }
  bool sendClose(int code = 1000, const std::string& reason = {});

  // ---- receiving ----
  /// The next frame of any kind, at most `timeout`; nullopt on timeout or once the connection ended. A server
  /// ping is answered here when autoPong is on; a close frame ends the connection (and is answered).
  std::optional<WsFrame> nextFrame(std::chrono::milliseconds timeout);
  /// The next complete data message (fragments joined), skipping control frames; nullopt on timeout or end.
  std::optional<std::string> nextMessage(std::chrono::milliseconds timeout);
  /// The next message parsed as JSON, first from those waitFor() set aside; nullopt on timeout or end. Throws
  /// std::runtime_error when a message is not JSON.
  std::optional<nlohmann::json> nextJson(std::chrono::milliseconds timeout);
  /// The first JSON message matching `predicate` (set-aside ones first); the others it reads are set aside for
  /// nextJson() and later waitFor() calls. nullopt on timeout or end.
  std::optional<nlohmann::json> waitFor(const std::function<bool(const nlohmann::json&)>& predicate,
                                        std::chrono::milliseconds timeout);
  /// waitFor a message whose "type" is `type` (and whose "room" is `room`, when given).
  std::optional<nlohmann::json> waitForType(const std::string& type, std::chrono::milliseconds timeout,
                                            const std::optional<std::string>& room = std::nullopt);
  /// Sends subscribe (with "since" when given) and returns the answer about `room`: `subscribed`, or an
  /// `error`; nullopt when none came within `timeout`.
  std::optional<nlohmann::json> subscribe(const std::string& room, const std::optional<nlohmann::json>& since = {},
                                          std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Sends {"type":"ping"} and waits for {"type":"pong"}: true when the connection still works.
  bool roundTrip(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Reads (setting messages aside) until the connection ends; its end, or nullopt at `timeout`.
  std::optional<WsEnd> waitForEnd(std::chrono::milliseconds timeout);

  /// Messages waitFor() set aside and nobody took yet.
  const std::deque<nlohmann::json>& setAside() const noexcept { return pending_; }
  /// Every data frame received so far (a message in pieces counts each piece).
  std::size_t dataFramesReceived() const noexcept { return dataFrames_; }
  std::size_t pingsReceived() const noexcept { return pings_; }
  /// Set once the connection ended.
  const std::optional<WsEnd>& end() const noexcept { return end_; }
  /// Closes the socket at once, without a close handshake.
  void abort();

 private:
  void readHandshakeResponse(const std::string& key);
  /// Appends what the socket has to buffer_, waiting at most until `deadline`; false on timeout or end.
  bool fill(std::chrono::steady_clock::time_point deadline);
  std::optional<WsFrame> parseFrame();
  void finish(WsEnd end);

  int fd_ = -1;
  WsOptions options_;
  HttpResponse response_;
  bool upgraded_ = false;
  std::string handshakeError_;
  std::string buffer_;
  std::optional<WsEnd> end_;
  bool closeSent_ = false;
  std::deque<nlohmann::json> pending_;
  std::string fragments_;
  std::size_t dataFrames_ = 0;
  std::size_t pings_ = 0;
};

/// A handshake to `target` with `Authorization: Bearer <token>`.
WsHandshake bearerHandshake(const std::string& token, const std::string& target = "/ws");

/// The offsets of room `room` an `event` or `batch` message carries, in order (empty for other messages).
std::vector<std::int64_t> offsetsOf(const nlohmann::json& message, const std::string& room);

/// The events (each {room, offset, event, data}) an `event` or `batch` message of `room` carries.
std::vector<nlohmann::json> eventsOf(const nlohmann::json& message, const std::string& room);

}  // namespace monti::itest
