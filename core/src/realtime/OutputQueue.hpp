#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

namespace monti::realtime {

/// Bytes waiting to be written to one non-blocking socket. A broadcast frame is encoded once and shared
/// by every queue it is pushed to.
class OutputQueue {
 public:
  using Chunk = std::shared_ptr<const std::string>;
  enum class Flush { done, wouldBlock, failed };

  void push(Chunk chunk);
  void push(std::string bytes) { push(std::make_shared<const std::string>(std::move(bytes))); }
  /// Writes as much as the socket takes (writev, several chunks per call).
  Flush writeTo(int fd);

  std::size_t bytes() const noexcept { return bytes_; }
  bool empty() const noexcept { return chunks_.empty(); }
  void clear() noexcept;

 private:
  std::deque<Chunk> chunks_;
  std::size_t headOffset_ = 0;  // bytes of the first chunk already written
  std::size_t bytes_ = 0;       // unwritten bytes in all chunks
};

}  // namespace monti::realtime
