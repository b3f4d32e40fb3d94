#include "support/WsClient.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <sstream>
#include <stdexcept>

namespace monti::itest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr const char* kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::mt19937& generator() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return engine;
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string sha1(const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("EVP_Digest(sha1) failed");
  return {reinterpret_cast<const char*>(digest.data()), length};
}

std::string randomBytes(std::size_t n) {
  std::string bytes(n, '\0');
  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& c : bytes)
    c = static_cast<char>(byte(generator()));
  return bytes;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

}  // namespace

std::string WsEnd::describe() const {
  std::ostringstream out;
  if (closeFrame) {
    out << "close frame " << (code ? std::to_string(*code) : std::string("(no code)")) << " \"" << reason << "\"";
  } else {
    out << (reset ? "connection reset" : "EOF without a close frame");
  }
  return out.str();
}

WsClient::WsClient(int port, const WsHandshake& handshake, WsOptions options) : options_(options) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (options_.receiveBufferBytes > 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options_.receiveBufferBytes, sizeof(options_.receiveBufferBytes));
  }
  const timeval sendTimeout{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, sizeof(sendTimeout));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + error);
  }
  const auto key = base64(randomBytes(16));
  std::string request = "GET " + handshake.target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
  if (handshake.upgrade) {
    request +=
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
  }
  for (const auto& [name, value] : handshake.headers)
    request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (!sendRaw(request)) {
    handshakeError_ = "the server refused the handshake bytes";
    return;
  }
  readHandshakeResponse(key);
}

WsClient::~WsClient() {
  if (fd_ >= 0) ::close(fd_);
}

void WsClient::readHandshakeResponse(const std::string& key) {
  const auto deadline = Clock::now() + kHandshakeTimeout;
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (!fill(deadline)) {
      handshakeError_ = "no complete HTTP response to the handshake; got \"" + buffer_ + "\"";
      return;
    }
  }
  const auto headerEnd = buffer_.find("\r\n\r\n");
  std::istringstream head(buffer_.substr(0, headerEnd));
  buffer_.erase(0, headerEnd + 4);
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) {
    handshakeError_ = "not an HTTP status line: \"" + line + "\"";
    return;
  }
  response_.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    const auto colon = line.find(':');
    if (colon != std::string::npos)
      response_.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  if (response_.status == 101) {
    const auto accept = response_.header("Sec-WebSocket-Accept");
    const auto upgrade = response_.header("Upgrade");
    if (!accept || *accept != base64(sha1(key + kAcceptGuid))) {
      handshakeError_ = "101 with a wrong Sec-WebSocket-Accept: " + accept.value_or("(none)");
    } else if (!upgrade || lower(*upgrade) != "websocket") {
      handshakeError_ = "101 without Upgrade: websocket";
    } else {
      upgraded_ = true;
    }
    return;
  }
  // Not upgraded: the body follows, by Content-Length or until the server closes.
  const auto length = response_.header("Content-Length");
  const auto bodyDeadline = Clock::now() + std::chrono::seconds(length ? 5 : 2);
  while (!end_ && (!length || buffer_.size() < std::stoull(*length))) {
    if (!fill(bodyDeadline)) break;
  }
  response_.body = length ? buffer_.substr(0, std::min<std::size_t>(buffer_.size(), std::stoull(*length))) : buffer_;
  buffer_.clear();
  handshakeError_ = "the server answered " + std::to_string(response_.status) + " instead of 101";
}

bool WsClient::sendRaw(const std::string& bytes) {
  if (fd_ < 0) return false;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string WsClient::encodeFrame(std::uint8_t opcode, const std::string& payload, bool fin, bool masked) {
  std::string frame;
  frame.push_back(static_cast<char>((fin ? 0x80U : 0x00U) | (opcode & 0x0FU)));
  const std::uint8_t maskBit = masked ? 0x80U : 0x00U;
  const auto size = payload.size();
  if (size < 126) {
    frame.push_back(static_cast<char>(maskBit | size));
  } else if (size <= 0xFFFF) {
    frame.push_back(static_cast<char>(maskBit | 126U));
    frame.push_back(static_cast<char>((size >> 8U) & 0xFFU));
    frame.push_back(static_cast<char>(size & 0xFFU));
  } else {
    frame.push_back(static_cast<char>(maskBit | 127U));
    for (int shift = 56; shift >= 0; shift -= 8)
      frame.push_back(static_cast<char>((static_cast<std::uint64_t>(size) >> static_cast<unsigned>(shift)) & 0xFFU));
  }
  if (!masked) return frame + payload;
  const auto key = randomBytes(4);
  frame += key;
  for (std::size_t i = 0; i < size; ++i)
    frame.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return frame;
}

bool WsClient::sendFrame(WsOpcode opcode, const std::string& payload, bool fin, bool masked) {
  return sendRaw(encodeFrame(static_cast<std::uint8_t>(opcode), payload, fin, masked));
}

bool WsClient::sendClose(int code, const std::string& reason) {
  std::string payload;
  payload.push_back(static_cast<char>((code >> 8) & 0xFF));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload += reason;
  closeSent_ = true;
  return sendFrame(WsOpcode::kClose, payload);
}

bool WsClient::fill(Clock::time_point deadline) {
  if (fd_ < 0 || end_) return false;
  for (;;) {
    pollfd poller{fd_, POLLIN, 0};
    const int ready = ::poll(&poller, 1, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    std::array<char, 65536> chunk{};
    const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      buffer_.append(chunk.data(), static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    WsEnd ended;
    ended.reset = n < 0;
    finish(std::move(ended));
    return false;
  }
}

std::optional<WsFrame> WsClient::parseFrame() {
  if (buffer_.size() < 2) return std::nullopt;
  const auto byte = [this](std::size_t i) { return static_cast<std::uint8_t>(buffer_[i]); };
  WsFrame frame;
  frame.fin = (byte(0) & 0x80U) != 0;
  frame.opcode = byte(0) & 0x0FU;
  frame.masked = (byte(1) & 0x80U) != 0;
  std::uint64_t length = byte(1) & 0x7FU;
  std::size_t at = 2;
  if (length == 126) {
    if (buffer_.size() < 4) return std::nullopt;
    length = (static_cast<std::uint64_t>(byte(2)) << 8U) | byte(3);
    at = 4;
  } else if (length == 127) {
    if (buffer_.size() < 10) return std::nullopt;
    length = 0;
    for (std::size_t i = 2; i < 10; ++i)
      length = (length << 8U) | byte(i);
    at = 10;
  }
  std::string key;
  if (frame.masked) {
    if (buffer_.size() < at + 4) return std::nullopt;
    key = buffer_.substr(at, 4);
    at += 4;
  }
  if (buffer_.size() < at + length) return std::nullopt;
  frame.payload = buffer_.substr(at, static_cast<std::size_t>(length));
  buffer_.erase(0, at + static_cast<std::size_t>(length));
  if (frame.masked) {
    for (std::size_t i = 0; i < frame.payload.size(); ++i)
      frame.payload[i] = static_cast<char>(frame.payload[i] ^ key[i % 4]);
  }
  return frame;
}

void WsClient::finish(WsEnd end) {
  if (!end_) end_ = std::move(end);
}

std::optional<WsFrame> WsClient::nextFrame(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto frame = parseFrame()) {
      const auto opcode = static_cast<WsOpcode>(frame->opcode);
      if (opcode == WsOpcode::kPing) {
        ++pings_;
        if (options_.autoPong && !end_) sendFrame(WsOpcode::kPong, frame->payload);
      } else if (opcode == WsOpcode::kClose) {
        WsEnd closed;
        closed.closeFrame = true;
        if (frame->payload.size() >= 2) {
          closed.code =
              (static_cast<std::uint8_t>(frame->payload[0]) << 8) | static_cast<std::uint8_t>(frame->payload[1]);
          closed.reason = frame->payload.substr(2);
        }
        if (!closeSent_ && !end_) sendClose(closed.code.value_or(1000));
        finish(std::move(closed));
      } else if (opcode != WsOpcode::kPong) {
        ++dataFrames_;
      }
      return frame;
    }
    if (end_ || !fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> WsClient::nextMessage(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto frame = nextFrame(std::chrono::milliseconds(remainingMs(deadline)));
    if (!frame) return std::nullopt;
    const auto opcode = static_cast<WsOpcode>(frame->opcode);
    if (opcode == WsOpcode::kText || opcode == WsOpcode::kBinary) {
      if (frame->fin) return frame->payload;
      fragments_ = frame->payload;
    } else if (opcode == WsOpcode::kContinuation) {
      fragments_ += frame->payload;
      if (frame->fin) return std::exchange(fragments_, {});
    }
  }
}

std::optional<nlohmann::json> WsClient::nextJson(std::chrono::milliseconds timeout) {
  if (!pending_.empty()) {
    auto message = std::move(pending_.front());
    pending_.pop_front();
    return message;
  }
  const auto text = nextMessage(timeout);
  if (!text) return std::nullopt;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) throw std::runtime_error("the server sent a message that is not JSON: \"" + *text + "\"");
  return json;
}

std::optional<nlohmann::json> WsClient::waitFor(const std::function<bool(const nlohmann::json&)>& predicate,
                                                std::chrono::milliseconds timeout) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (predicate(*it)) {
      auto message = std::move(*it);
      pending_.erase(it);
      return message;
    }
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto text = nextMessage(std::chrono::milliseconds(remainingMs(deadline)));
    if (!text) return std::nullopt;
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded()) throw std::runtime_error("the server sent a message that is not JSON: \"" + *text + "\"");
    if (predicate(json)) return json;
    pending_.push_back(std::move(json));
  }
}

std::optional<nlohmann::json> WsClient::waitForType(const std::string& type, std::chrono::milliseconds timeout,
                                                    const std::optional<std::string>& room) {
  return waitFor(
      [&](const nlohmann::json& m) {
        return m.is_object() && m.value("type", "") == type && (!room || m.value("room", "") == *room);
      },
      timeout);
}

std::optional<nlohmann::json> WsClient::subscribe(const std::string& room, const std::optional<nlohmann::json>& since,
                                                  std::chrono::milliseconds timeout) {
  nlohmann::json message{{"type", "subscribe"}, {"room", room}};
  if (since) message["since"] = *since;
  if (!sendJson(message)) return std::nullopt;
  return waitFor(
      [&](const nlohmann::json& m) {
        if (!m.is_object()) return false;
        const auto type = m.value("type", "");
        if (type == "subscribed") return m.value("room", "") == room;
        return type == "error" && (!m.contains("room") || m.value("room", "") == room);
      },
      timeout);
}

bool WsClient::roundTrip(std::chrono::milliseconds timeout) {
  return sendJson({{"type", "ping"}}) && waitForType("pong", timeout).has_value();
}

std::optional<WsEnd> WsClient::waitForEnd(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!end_) {
    const auto text = nextMessage(std::chrono::milliseconds(remainingMs(deadline)));
    if (text) {
      auto json = nlohmann::json::parse(*text, nullptr, false);
      if (!json.is_discarded()) pending_.push_back(std::move(json));
    } else if (!end_ && Clock::now() >= deadline) {
      return std::nullopt;
    }
  }
  return end_;
}

void WsClient::abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  finish(WsEnd{});
}

WsHandshake bearerHandshake(const std::string& token, const std::string& target) {
  return WsHandshake{target, {{"Authorization", "Bearer " + token}}};
}

std::vector<nlohmann::json> eventsOf(const nlohmann::json& message, const std::string& room) {
  if (!message.is_object() || message.value("room", "") != room) return {};
  const auto type = message.value("type", "");
  if (type == "event") return {message};
  if (type != "batch" || !message.contains("events") || !message["events"].is_array()) return {};
  return message["events"].get<std::vector<nlohmann::json>>();
}

std::vector<std::int64_t> offsetsOf(const nlohmann::json& message, const std::string& room) {
  std::vector<std::int64_t> offsets;
  for (const auto& event : eventsOf(message, room))
    offsets.push_back(event.at("offset").get<std::int64_t>());
  return offsets;
}

}  // namespace monti::itest
