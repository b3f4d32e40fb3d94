#include "kv/WakeupFd.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace monti::kv {

WakeupFd::WakeupFd() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

WakeupFd::~WakeupFd() { close(fd_); }

void WakeupFd::signal() noexcept {
  const std::uint64_t one = 1;
  // Cannot fail short of a counter overflow, which would still leave the fd readable.
  [[maybe_unused]] const auto written = write(fd_, &one, sizeof one);
}

void WakeupFd::drain() noexcept {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto read = ::read(fd_, &count, sizeof count);
}

}  // namespace monti::kv
