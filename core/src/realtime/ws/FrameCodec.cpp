#include "realtime/ws/FrameCodec.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>

// RFC 6455 §5.2 frame layout (network byte order):
//
//   byte 0   FIN(1) RSV1(1) RSV2(1) RSV3(1) opcode(4)
//   byte 1   MASK(1) length(7)
//            length 0..125: that is the payload length
//            length 126:    the next 2 bytes hold it (16-bit)
//            length 127:    the next 8 bytes hold it (64-bit, top bit clear)
//   then     4-byte masking key when MASK is set (every client frame, never a server frame)
//   then     payload; when masked, byte i is XORed with key[i % 4]
//
// Opcodes 0x0-0x2 are data frames (a message is one frame, or a text/binary frame without FIN followed by
// continuations, the last with FIN); 0x8-0xA are control frames: unfragmented, ≤ 125 bytes, and allowed
// between the fragments of a data message.

namespace monti::realtime::ws {
namespace {

constexpr std::uint8_t kFinBit = 0x80;
constexpr std::uint8_t kReservedBits = 0x70;
constexpr std::uint8_t kOpcodeBits = 0x0F;
constexpr std::uint8_t kMaskBit = 0x80;
constexpr std::uint8_t kLengthBits = 0x7F;
constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;
constexpr std::size_t kMaxControlPayload = 125;
constexpr std::size_t kMaxCloseReason = kMaxControlPayload - 2;
constexpr std::size_t kMaskKeyBytes = 4;
constexpr std::size_t kMaxHeaderBytes = 2 + 8 + kMaskKeyBytes;
constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::uint8_t byteAt(std::string_view bytes, std::size_t index) { return static_cast<std::uint8_t>(bytes[index]); }

bool isControl(Opcode opcode) { return (static_cast<std::uint8_t>(opcode) & 0x08) != 0; }

bool isKnownOpcode(std::uint8_t opcode) {
  return opcode <= static_cast<std::uint8_t>(Opcode::binary) ||
         (opcode >= static_cast<std::uint8_t>(Opcode::close) && opcode <= static_cast<std::uint8_t>(Opcode::pong));
}

std::size_t extendedLengthBytes(std::uint8_t length7) {
  if (length7 == kLength16) return 2;
  if (length7 == kLength64) return 8;
  return 0;
}

std::uint64_t readBigEndian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    value = (value << 8) | byteAt(bytes, i);
  return value;
}

/// XORs `size` bytes with the masking key, starting `phase` bytes into the key's cycle (a frame's payload
/// may arrive in several pieces). Eight bytes at a time: masking is the hot loop of every client message.
void applyMask(char* data, std::size_t size, std::uint32_t wireKey, std::uint64_t phase) {
  std::array<std::uint8_t, kMaskKeyBytes> key{};
  std::memcpy(key.data(), &wireKey, key.size());
  std::array<std::uint8_t, 8> pattern{};
  for (std::size_t i = 0; i < pattern.size(); ++i)
    pattern[i] = key[(phase + i) % kMaskKeyBytes];
  std::uint64_t word = 0;
  std::memcpy(&word, pattern.data(), sizeof word);

  std::size_t i = 0;
  for (; i + sizeof word <= size; i += sizeof word) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, data + i, sizeof chunk);
    chunk ^= word;
    std::memcpy(data + i, &chunk, sizeof chunk);
  }
  for (; i < size; ++i)
    data[i] = static_cast<char>(static_cast<std::uint8_t>(data[i]) ^ pattern[i % 8]);
}

/// Close codes a peer may put on the wire (RFC 6455 §7.4 and the IANA registry): 1004-1006 and 1015 are
/// reserved or local-only, the rest below 3000 are unassigned.
bool sendableCloseCode(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

std::optional<ProtocolError> closeBodyError(std::string_view body) {
  if (body.empty()) return std::nullopt;
  if (body.size() == 1) return ProtocolError{close_code::protocolError, "close frame with a 1-byte body"};
  if (!sendableCloseCode(closeCodeOf(body))) return ProtocolError{close_code::protocolError, "invalid close code"};
  if (!validUtf8(body.substr(2))) return ProtocolError{close_code::invalidPayload, "close reason is not UTF-8"};
  return std::nullopt;
}

std::string frameHeader(Opcode opcode, std::size_t length, bool final, bool masked) {
  std::string header;
  header.reserve(kMaxHeaderBytes);
  header.push_back(static_cast<char>((final ? kFinBit : 0) | static_cast<std::uint8_t>(opcode)));
  const std::uint8_t maskBit = masked ? kMaskBit : 0;
  std::size_t lengthBytes = 0;
  if (length <= kMaxControlPayload) {
    header.push_back(static_cast<char>(maskBit | length));
  } else if (length <= 0xFFFF) {
    header.push_back(static_cast<char>(maskBit | kLength16));
    lengthBytes = 2;
  } else {
    header.push_back(static_cast<char>(maskBit | kLength64));
    lengthBytes = 8;
  }
  for (std::size_t i = lengthBytes; i > 0; --i)
    header.push_back(static_cast<char>((length >> (8 * (i - 1))) & 0xFF));
  return header;
}

/// Length of the well-formed UTF-8 sequence at the start of `bytes`, 0 when it is not one (Unicode
/// Table 3-7: the second byte's range excludes overlongs, surrogates and code points above U+10FFFF).
std::size_t utf8SequenceLength(std::string_view bytes) {
  const std::uint8_t lead = byteAt(bytes, 0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    low = 0xA0;
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xED) high = 0x9F;
  } else if (lead == 0xF0) {
    length = 4;
    low = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    high = 0x8F;
  } else {
    return 0;
  }
  if (bytes.size() < length) return 0;
  if (byteAt(bytes, 1) < low || byteAt(bytes, 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((byteAt(bytes, i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool eightAsciiBytes(const char* data) {
  std::uint64_t word = 0;
  std::memcpy(&word, data, sizeof word);
  return (word & 0x8080808080808080ULL) == 0;
}

}  // namespace

// ---- FrameDecoder --------------------------------------------------------------------------------------

FrameDecoder::FrameDecoder(Peer from, std::size_t maxMessageBytes) : from_(from), maxMessageBytes_(maxMessageBytes) {}

void FrameDecoder::feed(const char* data, std::size_t size) {
  if (error_) return;  // nothing more is accepted; don't let a broken peer grow the buffer
  compactInput();
  input_.append(data, size);
}

std::optional<Message> FrameDecoder::next() {
  while (!error_) {
    if (stage_ == Stage::header && !readHeader()) return std::nullopt;
    if (!readPayload()) return std::nullopt;
    stage_ = Stage::header;
    if (auto message = finishFrame()) return message;
  }
  return std::nullopt;
}

std::size_t FrameDecoder::buffered() const noexcept {
  return (input_.size() - consumed_) + message_.size() + control_.size();
}

// Dropping the decoded prefix only when it is more than half the buffer keeps each byte moved O(1) times.
void FrameDecoder::compactInput() {
  if (consumed_ == input_.size()) {
    input_.clear();
    consumed_ = 0;
  } else if (consumed_ > input_.size() / 2) {
    input_.erase(0, consumed_);
    consumed_ = 0;
  }
}

// Parses the header once it is complete; the checks that need only the first two bytes run as soon as
// they arrive, and the size limit as soon as the length does, so nothing waits for a payload it will refuse.
bool FrameDecoder::readHeader() {
  const std::string_view pending = std::string_view(input_).substr(consumed_);
  if (pending.size() < 2) return false;
  const std::uint8_t first = byteAt(pending, 0);
  const std::uint8_t second = byteAt(pending, 1);
  if (!acceptFirstTwoBytes(first, second)) return false;

  const std::uint8_t length7 = second & kLengthBits;
  const std::size_t lengthBytes = extendedLengthBytes(length7);
  if (pending.size() < 2 + lengthBytes) return false;
  const std::uint64_t length = lengthBytes == 0 ? length7 : readBigEndian(pending.substr(2, lengthBytes));
  if (!acceptLength(static_cast<Opcode>(first & kOpcodeBits), length)) return false;

  const bool masked = (second & kMaskBit) != 0;
  const std::size_t headerBytes = 2 + lengthBytes + (masked ? kMaskKeyBytes : 0);
  if (pending.size() < headerBytes) return false;

  frame_ = Frame{};
  frame_.opcode = static_cast<Opcode>(first & kOpcodeBits);
  frame_.final = (first & kFinBit) != 0;
  frame_.masked = masked;
  frame_.length = length;
  if (masked) std::memcpy(&frame_.maskKey, pending.data() + 2 + lengthBytes, kMaskKeyBytes);
  if (!isControl(frame_.opcode) && frame_.opcode != Opcode::continuation) {
    inMessage_ = true;
    messageOpcode_ = frame_.opcode;
  }
  consumed_ += headerBytes;
  stage_ = Stage::payload;
  return true;
}

// Pure checks (no state changes): readHeader calls this again each time more header bytes arrive.
bool FrameDecoder::acceptFirstTwoBytes(std::uint8_t first, std::uint8_t second) {
  const std::uint8_t opcode = first & kOpcodeBits;
  const bool final = (first & kFinBit) != 0;
  const bool masked = (second & kMaskBit) != 0;
  if ((first & kReservedBits) != 0) return fail(close_code::protocolError, "reserved bits set");
  if (!isKnownOpcode(opcode)) return fail(close_code::protocolError, "unknown opcode");
  if (from_ == Peer::client && !masked) return fail(close_code::protocolError, "unmasked client frame");
  if (from_ == Peer::server && masked) return fail(close_code::protocolError, "masked server frame");
  if (isControl(static_cast<Opcode>(opcode))) {
    if (!final) return fail(close_code::protocolError, "fragmented control frame");
    if ((second & kLengthBits) > kMaxControlPayload) {
      return fail(close_code::protocolError, "control frame longer than 125 bytes");
    }
    return true;
  }
  const bool continuation = static_cast<Opcode>(opcode) == Opcode::continuation;
  if (continuation && !inMessage_) return fail(close_code::protocolError, "continuation without a message");
  if (!continuation && inMessage_) return fail(close_code::protocolError, "new message inside a fragmented one");
  return true;
}

// Control frames are bounded by acceptFirstTwoBytes; a data frame may not push its message past the limit.
bool FrameDecoder::acceptLength(Opcode opcode, std::uint64_t length) {
  if ((length >> 63) != 0) return fail(close_code::protocolError, "frame length with the top bit set");
  if (isControl(opcode)) return true;
  // message_ holds the earlier fragments of a continued message and is empty before a new one.
  if (length > maxMessageBytes_ - std::min(message_.size(), maxMessageBytes_)) {
    return fail(close_code::messageTooBig, "message too big");
  }
  return true;
}

// Moves whatever part of the payload has arrived into its destination, unmasking it on the way.
bool FrameDecoder::readPayload() {
  const std::size_t available = input_.size() - consumed_;
  const std::uint64_t missing = frame_.length - frame_.received;
  const std::size_t take = missing < available ? static_cast<std::size_t>(missing) : available;
  if (take > 0) {
    std::string& destination = payloadDestination();
    const std::size_t start = destination.size();
    destination.append(input_, consumed_, take);
    if (frame_.masked) applyMask(destination.data() + start, take, frame_.maskKey, frame_.received);
    consumed_ += take;
    frame_.received += take;
  }
  return frame_.received == frame_.length;
}

std::string& FrameDecoder::payloadDestination() noexcept { return isControl(frame_.opcode) ? control_ : message_; }

std::optional<Message> FrameDecoder::finishFrame() {
  return isControl(frame_.opcode) ? finishControlFrame() : finishDataFrame();
}

std::optional<Message> FrameDecoder::finishControlFrame() {
  Message message{frame_.opcode, std::move(control_)};
  control_.clear();
  if (message.opcode == Opcode::close) {
    if (auto problem = closeBodyError(message.payload)) {
      fail(problem->closeCode, std::move(problem->reason));
      return std::nullopt;
    }
  }
  return message;
}

// A fragment without FIN only grows message_; the final one hands the whole message over.
std::optional<Message> FrameDecoder::finishDataFrame() {
  if (!frame_.final) return std::nullopt;
  inMessage_ = false;
  Message message{messageOpcode_, std::move(message_)};
  message_.clear();
  if (message.opcode == Opcode::text && !validUtf8(message.payload)) {
    fail(close_code::invalidPayload, "text message is not UTF-8");
    return std::nullopt;
  }
  return message;
}

bool FrameDecoder::fail(std::uint16_t code, std::string reason) {
  error_ = ProtocolError{code, std::move(reason)};
  // Free what a refused peer made us hold; nothing will be decoded from it.
  input_ = std::string();
  consumed_ = 0;
  message_ = std::string();
  control_ = std::string();
  return false;
}

// ---- Encoders ------------------------------------------------------------------------------------------

std::string encodeFrame(Opcode opcode, std::string_view payload, bool final) {
  std::string frame = frameHeader(opcode, payload.size(), final, false);
  frame.reserve(frame.size() + payload.size());
  frame.append(payload);
  return frame;
}

std::string encodeMaskedFrame(Opcode opcode, std::string_view payload, std::uint32_t maskKey, bool final) {
  std::string frame = frameHeader(opcode, payload.size(), final, true);
  frame.reserve(frame.size() + kMaskKeyBytes + payload.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    frame.push_back(static_cast<char>((maskKey >> shift) & 0xFF));
  std::uint32_t wireKey = 0;
  std::memcpy(&wireKey, frame.data() + frame.size() - kMaskKeyBytes, kMaskKeyBytes);
  const std::size_t payloadStart = frame.size();
  frame.append(payload);
  applyMask(frame.data() + payloadStart, payload.size(), wireKey, 0);
  return frame;
}

std::string closePayload(std::uint16_t code, std::string_view reason) {
  if (reason.size() > kMaxCloseReason) {
    std::size_t cut = kMaxCloseReason;
    while (cut > 0 && (byteAt(reason, cut) & 0xC0) == 0x80)
      --cut;  // never split a multi-byte character
    reason = reason.substr(0, cut);
  }
  std::string body;
  body.reserve(2 + reason.size());
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xFF));
  body.append(reason);
  return body;
}

std::uint16_t closeCodeOf(std::string_view closePayload) {
  if (closePayload.size() < 2) return close_code::noStatus;
  return static_cast<std::uint16_t>((byteAt(closePayload, 0) << 8) | byteAt(closePayload, 1));
}

// ---- UTF-8 and handshake -------------------------------------------------------------------------------

bool validUtf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size() && eightAsciiBytes(text.data() + i)) {
      i += 8;
      continue;
    }
    const std::size_t length = utf8SequenceLength(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string acceptKey(std::string_view secWebSocketKey) {
  std::string input;
  input.reserve(secWebSocketKey.size() + kAcceptGuid.size());
  input.append(secWebSocketKey).append(kAcceptGuid);

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digestSize = 0;
  // Not a protocol error: SHA-1 missing from libcrypto is a broken installation, so it fails loudly.
  if (EVP_Digest(input.data(), input.size(), digest.data(), &digestSize, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("acceptKey: SHA-1 digest failed in OpenSSL");
  }
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int encodedSize = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digestSize));
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(encodedSize)};
}

}  // namespace monti::realtime::ws
