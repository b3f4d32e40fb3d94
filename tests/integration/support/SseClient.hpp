#pragma once
/// A Server-Sent Events client on a raw POSIX socket, for black-box tests of Monti's realtime hub: one GET, then
/// the stream parsed incrementally (chunked or not) into events and comment lines. Not thread-safe.

#include "support/HttpClient.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace monti::itest {

/// One dispatched event (the lines up to a blank line).
struct SseEvent {
  std::optional<std::string> id;
  std::string event = "message";  ///< the default type when no `event:` line came
  std::string data;               ///< `data:` lines joined with '\n'

  /// data parsed as JSON; throws std::runtime_error naming the data when it is not JSON.
  nlohmann::json json() const;
};

class SseClient {
 public:
  /// Connects to 127.0.0.1:`port`, sends GET `target` with Accept: text/event-stream and `headers`, and reads
  /// the response head (and, when not 200, the body). Throws only when the TCP connection fails.
  SseClient(int port, const std::string& target, const Headers& headers = {});
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;
  SseClient(SseClient&&) = delete;
  SseClient& operator=(SseClient&&) = delete;

  /// Status and headers (and the body of a response that is not a stream). Status 0: no response came.
  const HttpResponse& response() const noexcept { return response_; }

  /// The next event, at most `timeout`; nullopt on timeout or when the stream ended.
  std::optional<SseEvent> next(std::chrono::milliseconds timeout);
  /// The next event of type `event`, skipping (and keeping in skipped()) the others.
  std::optional<SseEvent> nextOfType(const std::string& event, std::chrono::milliseconds timeout);
  /// Comment lines (without the leading ':' and one space) received so far.
  const std::vector<std::string>& comments() const noexcept { return comments_; }
  /// Events nextOfType() passed over.
  const std::vector<SseEvent>& skipped() const noexcept { return skipped_; }
  bool ended() const noexcept { return ended_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  /// Moves what raw_ holds of the body into text_, undoing chunked encoding.
  void decode();
  std::optional<SseEvent> parseEvent();

  int fd_ = -1;
  HttpResponse response_;
  bool chunked_ = false;
  bool ended_ = false;
  std::string raw_;   // body bytes as received
  std::string text_;  // body bytes after chunked decoding
  std::vector<std::string> comments_;
  std::vector<SseEvent> skipped_;
};

}  // namespace monti::itest
