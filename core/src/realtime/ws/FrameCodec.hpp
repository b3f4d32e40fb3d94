#pragma once
/// RFC 6455 framing for a non-blocking event loop: an incremental decoder that accepts bytes in any
/// split (one byte at a time included) and encoders that produce whole frames ready to write.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace monti::realtime::ws {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Close codes (RFC 6455 §7.4.1) the hub sends.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t goingAway = 1001;
inline constexpr std::uint16_t protocolError = 1002;
inline constexpr std::uint16_t unsupportedData = 1003;
inline constexpr std::uint16_t noStatus = 1005;  ///< never sent: a close frame without a code
inline constexpr std::uint16_t invalidPayload = 1007;
inline constexpr std::uint16_t policyViolation = 1008;
inline constexpr std::uint16_t messageTooBig = 1009;
inline constexpr std::uint16_t internalError = 1011;
}  // namespace close_code

/// One complete message: a reassembled text or binary message, or a control frame (close, ping, pong).
struct Message {
  Opcode opcode = Opcode::text;
  std::string payload;  ///< unmasked; for close: the raw close body (code + reason)
};

/// Why the peer's bytes cannot be accepted, with the close code to answer with.
struct ProtocolError {
  std::uint16_t closeCode = close_code::protocolError;
  std::string reason;  ///< short, safe to send in a close frame (≤ 123 bytes)
};

/// Which side's frames are decoded: a server reads masked client frames (unmasked ones are an error),
/// a client reads unmasked server frames (masked ones are an error).
enum class Peer { client, server };

/// Decodes a byte stream into messages. Not thread-safe; one per connection.
///
/// Enforced while decoding: reserved bits clear (no extensions are negotiated), known opcodes, masking as
/// `Peer` requires, control frames unfragmented with ≤ 125-byte payloads, continuation frames only inside
/// a fragmented message and no new data frame inside one, the 64-bit length's top bit clear, minimal
/// length encodings not required (RFC allows either), a message (all fragments together) of at most
/// `maxMessageBytes` — checked from the frame header, before the payload arrives — valid UTF-8 in text
/// messages (1007), and a valid close body: empty, or a code that may be sent on the wire followed by UTF-8.
class FrameDecoder {
 public:
  FrameDecoder(Peer from, std::size_t maxMessageBytes);

  /// Appends received bytes. Cheap; decoding happens in next().
  void feed(const char* data, std::size_t size);
  void feed(std::string_view bytes) { feed(bytes.data(), bytes.size()); }

  /// The next complete message, or nullopt when more bytes are needed or an error occurred (then
  /// error() is set and the decoder accepts nothing more).
  std::optional<Message> next();

  const std::optional<ProtocolError>& error() const noexcept { return error_; }
  /// Bytes received but not yet turned into a message (for memory accounting).
  std::size_t buffered() const noexcept;

 private:
  // Payload bytes stream straight from input_ into the message being built, unmasked as they arrive, so a
  // frame's header is parsed once and its payload copied once, whatever the split of the byte stream.
  enum class Stage { header, payload };

  /// The frame whose payload is being read.
  struct Frame {
    Opcode opcode = Opcode::continuation;
    bool final = true;
    bool masked = false;
    std::uint32_t maskKey = 0;  // the 4 key bytes as they appear on the wire (memcpy, no byte swap)
    std::uint64_t length = 0;
    std::uint64_t received = 0;
  };

  bool readHeader();
  bool acceptFirstTwoBytes(std::uint8_t first, std::uint8_t second);
  bool acceptLength(Opcode opcode, std::uint64_t length);
  bool readPayload();
  std::optional<Message> finishFrame();
  std::optional<Message> finishControlFrame();
  std::optional<Message> finishDataFrame();
  std::string& payloadDestination() noexcept;
  void compactInput();
  bool fail(std::uint16_t code, std::string reason);  // always false, so a check reads `return fail(…)`

  Peer from_;
  std::size_t maxMessageBytes_;
  std::string input_;
  std::size_t consumed_ = 0;  // bytes of input_ already decoded
  Stage stage_ = Stage::header;
  Frame frame_;
  bool inMessage_ = false;  // a data frame without FIN was read; continuations follow
  Opcode messageOpcode_ = Opcode::text;
  std::string message_;  // payload so far of the current data message
  std::string control_;  // payload so far of the current control frame
  std::optional<ProtocolError> error_;
};

/// An unmasked frame as a server sends it (FIN set unless `final` is false).
std::string encodeFrame(Opcode opcode, std::string_view payload, bool final = true);
/// A masked frame as a client sends it, with the given 4-byte masking key.
std::string encodeMaskedFrame(Opcode opcode, std::string_view payload, std::uint32_t maskKey, bool final = true);
/// A close frame body: the code in network order followed by `reason` (truncated to 123 bytes on a UTF-8
/// boundary).
std::string closePayload(std::uint16_t code, std::string_view reason);
/// The code of a close body, close_code::noStatus when it is empty.
std::uint16_t closeCodeOf(std::string_view closePayload);

/// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool validUtf8(std::string_view text) noexcept;

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + RFC 6455 GUID)).
std::string acceptKey(std::string_view secWebSocketKey);

}  // namespace monti::realtime::ws
