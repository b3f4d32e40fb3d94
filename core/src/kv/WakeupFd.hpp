#pragma once
/// A file descriptor another thread can make readable, to interrupt a poll() right away.

namespace monti::kv {

/// An eventfd. signal() is async-signal-safe and callable from any thread; drain() from the polling one.
class WakeupFd {
 public:
  WakeupFd();  // throws std::system_error when the kernel refuses
  WakeupFd(const WakeupFd&) = delete;
  WakeupFd& operator=(const WakeupFd&) = delete;
  ~WakeupFd();

  int fd() const noexcept { return fd_; }
  void signal() noexcept;
  void drain() noexcept;

 private:
  int fd_;
};

}  // namespace monti::kv
