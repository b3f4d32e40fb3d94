#include "support/SseClient.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace monti::itest {
namespace {

using Clock = std::chrono::steady_clock;

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

// One line of text_ (without its "\n" or "\r\n"), or nullopt when no complete line is buffered yet.
std::optional<std::string> takeLine(std::string& text) {
  const auto end = text.find('\n');
  if (end == std::string::npos) return std::nullopt;
  auto line = text.substr(0, end);
  text.erase(0, end + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

nlohmann::json SseEvent::json() const {
  auto parsed = nlohmann::json::parse(data, nullptr, false);
  if (parsed.is_discarded()) throw std::runtime_error("SSE data is not JSON: \"" + data + "\"");
  return parsed;
}

SseClient::SseClient(int port, const std::string& target, const Headers& headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
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
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n";
  for (const auto& [name, value] : headers)
    request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ended_ = true;
    return;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (raw_.find("\r\n\r\n") == std::string::npos) {
    if (!fill(deadline)) return;
  }
  const auto headerEnd = raw_.find("\r\n\r\n");
  std::istringstream head(raw_.substr(0, headerEnd));
  raw_.erase(0, headerEnd + 4);
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return;
  response_.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    const auto colon = line.find(':');
    if (colon != std::string::npos)
      response_.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  const auto encoding = response_.header("Transfer-Encoding");
  chunked_ = encoding && encoding->find("chunked") != std::string::npos;
  if (response_.status == 200) return;
  // Not a stream: read the whole body.
  const auto length = response_.header("Content-Length");
  const auto bodyDeadline = Clock::now() + std::chrono::seconds(5);
  for (;;) {
    decode();
    if (length && text_.size() >= std::stoull(*length)) break;
    if (!fill(bodyDeadline)) break;
  }
  decode();
  response_.body = text_;
}

SseClient::~SseClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool SseClient::fill(Clock::time_point deadline) {
  if (fd_ < 0 || ended_) return false;
  for (;;) {
    pollfd poller{fd_, POLLIN, 0};
    const int ready = ::poll(&poller, 1, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    std::array<char, 16384> chunk{};
    const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      raw_.append(chunk.data(), static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    ended_ = true;
    return false;
  }
}

void SseClient::decode() {
  if (!chunked_) {
    text_ += raw_;
    raw_.clear();
    return;
  }
  for (;;) {
    const auto sizeEnd = raw_.find("\r\n");
    if (sizeEnd == std::string::npos) return;
    const auto size = std::stoull(raw_.substr(0, sizeEnd), nullptr, 16);
    if (raw_.size() < sizeEnd + 2 + size + 2) return;
    text_ += raw_.substr(sizeEnd + 2, size);
    raw_.erase(0, sizeEnd + 2 + size + 2);
    if (size == 0) {
      ended_ = true;
      return;
    }
  }
}

std::optional<SseEvent> SseClient::parseEvent() {
  // Only complete events (ended by a blank line) are taken, so a partial one waits in text_ for more bytes.
  std::size_t end = std::string::npos;
  for (const auto* separator : {"\n\n", "\r\n\r\n"}) {
    const auto at = text_.find(separator);
    if (at != std::string::npos && at < end) end = at;
  }
  while (end != std::string::npos) {
    std::string block = text_.substr(0, end);
    text_.erase(0, end + (text_.compare(end, 4, "\r\n\r\n") == 0 ? 4 : 2));
    block += "\n";
    SseEvent event;
    bool any = false;
    int dataLines = 0;
    while (auto line = takeLine(block)) {
      if (line->empty()) continue;
      if ((*line)[0] == ':') {
        comments_.push_back(line->substr(line->size() > 1 && (*line)[1] == ' ' ? 2 : 1));
        continue;
      }
      const auto colon = line->find(':');
      const auto field = line->substr(0, colon);
      auto value = colon == std::string::npos ? std::string() : line->substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") {
        event.id = value;
      } else if (field == "event") {
        event.event = value;
      } else if (field == "data") {
        event.data += (dataLines++ > 0 ? "\n" : "") + value;
      } else {
        continue;
      }
      any = true;
    }
    if (any) return event;
    end = std::string::npos;
    for (const auto* separator : {"\n\n", "\r\n\r\n"}) {
      const auto at = text_.find(separator);
      if (at != std::string::npos && at < end) end = at;
    }
  }
  return std::nullopt;
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    decode();
    if (auto event = parseEvent()) return event;
    if (!fill(deadline)) {
      decode();
      return parseEvent();
    }
  }
}

std::optional<SseEvent> SseClient::nextOfType(const std::string& event, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto found = next(std::chrono::milliseconds(remainingMs(deadline)));
    if (!found) return std::nullopt;
    if (found->event == event) return found;
    skipped_.push_back(std::move(*found));
  }
}

}  // namespace monti::itest
