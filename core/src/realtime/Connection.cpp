#include "realtime/Connection.hpp"

#include "realtime/Frames.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace monti::realtime {

namespace {
constexpr auto kCloseHandshakeTimeout = std::chrono::seconds(2);
}

Connection::Connection(Transport transport, std::uint64_t id, int fd, auth::Principal user, ClientInfo info,
                       std::size_t maxMessageBytes)
    : transport_(transport),
      id_(id),
      fd_(fd),
      user_(std::move(user)),
      info_(std::move(info)),
      decoder_(ws::Peer::client, maxMessageBytes) {}

Connection::~Connection() { ::close(fd_); }

void Connection::sendText(const std::string& json, std::string_view sseEvent) {
  if (state_ != State::open) return;
  if (transport_ == Transport::websocket) {
    output_.push(ws::encodeFrame(ws::Opcode::text, json));
  } else {
    output_.push(frames::sse({}, sseEvent, json));
  }
}

std::string Connection::sseId() const {
  std::string id;
  for (const auto& [room, sub] : subscriptions_) {
    if (!id.empty()) id.push_back(',');
    id.append(room).push_back('@');
    id.append(std::to_string(sub.lastOffset));
  }
  return id;
}

void Connection::beginClose(std::uint16_t code, std::string_view reason, DisconnectReason why) {
  if (state_ != State::open) return;
  closeReason_ = why;
  if (transport_ == Transport::websocket) {
    output_.push(ws::encodeFrame(ws::Opcode::close, ws::closePayload(code, reason)));
  }
  state_ = State::closing;
  closeDeadline_ = Clock::now() + kCloseHandshakeTimeout;
}

bool Connection::takeMessageToken(Clock::time_point now, int perSecond) noexcept {
  const double capacity = perSecond;
  if (tokens_ < 0) {
    tokens_ = capacity;
    tokensAt_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - tokensAt_).count();
  tokens_ = std::min(capacity, tokens_ + elapsed * capacity);
  tokensAt_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace monti::realtime
