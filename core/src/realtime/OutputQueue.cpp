#include "realtime/OutputQueue.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>

namespace monti::realtime {

void OutputQueue::push(Chunk chunk) {
  if (!chunk || chunk->empty()) return;
  bytes_ += chunk->size();
  chunks_.push_back(std::move(chunk));
}

void OutputQueue::clear() noexcept {
  chunks_.clear();
  headOffset_ = 0;
  bytes_ = 0;
}

OutputQueue::Flush OutputQueue::writeTo(int fd) {
  constexpr std::size_t kMaxIov = 64;
  while (!chunks_.empty()) {
    std::array<iovec, kMaxIov> iov{};
    std::size_t count = 0;
    for (auto it = chunks_.begin(); it != chunks_.end() && count < kMaxIov; ++it, ++count) {
      const std::size_t skip = count == 0 ? headOffset_ : 0;
      // writev does not write through iov_base; the const_cast only satisfies its C signature.
      iov[count].iov_base = const_cast<char*>((*it)->data() + skip);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
      iov[count].iov_len = (*it)->size() - skip;
    }
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    const ssize_t written = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? Flush::wouldBlock : Flush::failed;
    }
    auto left = static_cast<std::size_t>(written);
    bytes_ -= left;
    while (left > 0) {
      const std::size_t rest = chunks_.front()->size() - headOffset_;
      if (left < rest) {
        headOffset_ += left;
        break;
      }
      left -= rest;
      chunks_.pop_front();
      headOffset_ = 0;
    }
  }
  return Flush::done;
}

}  // namespace monti::realtime
