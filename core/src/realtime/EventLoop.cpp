#include "realtime/EventLoop.hpp"

#include "realtime/Hub.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace monti::realtime {
namespace {

constexpr std::uint64_t kWakeupTag = 0;  // epoll data of the eventfd; connection ids start at 1
constexpr auto kSweepInterval = std::chrono::milliseconds(200);
constexpr auto kActivityReportInterval = std::chrono::minutes(1);
constexpr auto kShutdownGrace = std::chrono::milliseconds(500);
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr int kReadsPerWakeup = 4;  // then other connections get their turn

std::int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

EventLoop::EventLoop(Hub& hub, const config::RealtimeConfig& config, RealtimeMetrics& metrics, obs::Logger& logger)
    : hub_(hub), config_(config), metrics_(metrics), logger_(logger) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wakeup_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_ < 0 || wakeup_ < 0) throw std::runtime_error(std::string("realtime: epoll: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeupTag;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wakeup_, &ev);
}

EventLoop::~EventLoop() {
  stop();
  ::close(wakeup_);
  ::close(epoll_);
}

void EventLoop::start() {
  thread_ = std::thread([this] { run(); });
}

void EventLoop::stop() {
  if (!thread_.joinable()) return;
  post([this] { closeAll(); });
  stopping_.store(true);
  post([] {});
  thread_.join();
}

void EventLoop::post(std::function<void()> task) {
  bool wasEmpty = false;
  {
    std::lock_guard lock(postedMutex_);
    wasEmpty = posted_.empty();
    posted_.push_back(std::move(task));
  }
  // Only the first task of a burst needs a wake-up: the loop takes every posted task at once.
  if (!wasEmpty) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wakeup_, &one, sizeof one);
}

void EventLoop::run() {
  std::array<epoll_event, 256> events{};
  Clock::time_point stopAt{};
  while (true) {
    const auto now = Clock::now();
    if (stopping_.load()) {
      if (stopAt == Clock::time_point{}) stopAt = now + kShutdownGrace;
      bool pending = false;
      for (const auto& [id, c] : connections_)
        pending = pending || !c->output().empty();
      if (!pending || now >= stopAt) break;
    }
    const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), nextTimeoutMs(now));
    for (int i = 0; i < n; ++i) {
      const auto tag = events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kWakeupTag) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto r = ::read(wakeup_, &count, sizeof count);
        continue;
      }
      serve(tag, events[static_cast<std::size_t>(i)].events);
    }
    runPosted();
    const auto after = Clock::now();
    guarded("batch flush", [&] { runDueFlushes(after); });
    if (after >= nextSweep_) {
      guarded("sweep", [&] { sweep(after); });
      nextSweep_ = after + kSweepInterval;
    }
  }
  while (!connections_.empty())
    destroy(*connections_.begin()->second, DisconnectReason::shutdown);
}

void EventLoop::serve(std::uint64_t id, std::uint32_t flags) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;  // destroyed earlier in this batch
  try {
    if ((flags & EPOLLOUT) != 0U) onWritable(*it->second);
    it = connections_.find(id);
    if (it != connections_.end() && (flags & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0U) onReadable(*it->second);
  } catch (const std::exception& e) {
    // A bug (ours or a plugin's join rule) ends this connection, not the loop and every other one.
    logger_.error("realtime: connection failed", {{"connection", id}, {"error", e.what()}});
    if (auto dead = connections_.find(id); dead != connections_.end()) destroy(*dead->second, DisconnectReason::client);
  }
}

void EventLoop::guarded(const char* what, const std::function<void()>& step) {
  try {
    step();
  } catch (const std::exception& e) {
    logger_.error("realtime: loop step failed", {{"step", what}, {"error", e.what()}});
  }
}

void EventLoop::runPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(postedMutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) {
    try {
      task();
    } catch (const std::exception& e) {
      logger_.error("realtime: loop task failed", {{"error", e.what()}});
    }
  }
}

int EventLoop::nextTimeoutMs(Clock::time_point now) const {
  auto next = nextSweep_;
  if (!flushes_.empty() && flushes_.top().first < next) next = flushes_.top().first;
  if (next <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(next - now).count());
}

void EventLoop::adopt(std::unique_ptr<Connection> connection, const std::string& initialBytes,
                      const std::vector<SubscribeRequest>& rooms) {
  Connection& c = *connection;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.u64 = c.id();
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd(), &ev) != 0) {
    logger_.error("realtime: cannot watch a connection", {{"error", std::strerror(errno)}});
    hub_.connectionClosed(c.transport());
    return;
  }
  connections_.emplace(c.id(), std::move(connection));
  (c.transport() == Transport::websocket ? metrics_.websocketConnections : metrics_.sseConnections).inc();
  hub_.connectionChanged(c, ConnectionEvent::Kind::opened);
  for (const auto& request : rooms)
    subscribe(c, request);
  if (!initialBytes.empty()) handleBytes(c, initialBytes.data(), initialBytes.size());
  flush(c);
}

void EventLoop::onReadable(Connection& c) {
  std::array<char, kReadChunk> buffer{};
  const auto id = c.id();
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    const ssize_t n = ::recv(c.fd(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      metrics_.bytesIn.inc(static_cast<std::uint64_t>(n));
      if (c.state() == Connection::State::closing) continue;  // draining until the peer's FIN
      handleBytes(c, buffer.data(), static_cast<std::size_t>(n));
      if (!connections_.contains(id)) return;
      if (static_cast<std::size_t>(n) < buffer.size()) break;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    destroy(c, c.state() == Connection::State::closing ? c.closeReason() : DisconnectReason::client);
    return;
  }
  flush(c);
}

void EventLoop::onWritable(Connection& c) { flush(c); }

void EventLoop::flush(Connection& c) {
  if (c.output().bytes() > config_.maxQueueBytes) {
    logger_.warn("realtime: slow consumer dropped",
                 {{"connection", c.id()}, {"user", c.user().id}, {"queuedBytes", c.output().bytes()}});
    destroy(c, DisconnectReason::slowConsumer);
    return;
  }
  if (c.output().empty()) {
    setWriteInterest(c, false);
  } else {
    switch (c.output().writeTo(c.fd())) {
      case OutputQueue::Flush::done:
        setWriteInterest(c, false);
        break;
      case OutputQueue::Flush::wouldBlock:
        setWriteInterest(c, true);
        return;
      case OutputQueue::Flush::failed:
        destroy(c, DisconnectReason::client);
        return;
    }
  }
  if (c.state() == Connection::State::closing) {
    // Close frame sent: half-close, and wait (until the deadline) for the peer to close its side.
    ::shutdown(c.fd(), SHUT_WR);
    if (c.transport() == Transport::sse) destroy(c, c.closeReason());
  }
}

void EventLoop::setWriteInterest(Connection& c, bool on) {
  if (c.writeInterest == on) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0U);
  ev.data.u64 = c.id();
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd(), &ev);
  c.writeInterest = on;
}

void EventLoop::destroy(Connection& c, DisconnectReason why) {
  const auto id = c.id();
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd(), nullptr);
  while (!c.subscriptions().empty())
    unsubscribe(c, std::string(c.subscriptions().begin()->first));
  metrics_.disconnect(why).inc();
  (c.transport() == Transport::websocket ? metrics_.websocketConnections : metrics_.sseConnections).dec();
  hub_.connectionChanged(c, ConnectionEvent::Kind::closed);
  hub_.connectionClosed(c.transport());
  connections_.erase(id);
}

void EventLoop::sweep(Clock::time_point now) {
  const auto interval = config_.heartbeatInterval;
  const auto unixNow = unixSeconds();
  std::vector<std::pair<std::uint64_t, DisconnectReason>> toDestroy;
  std::vector<std::uint64_t> toFlush;
  std::int64_t queued = 0;
  for (auto& [id, conn] : connections_) {
    Connection& c = *conn;
    queued += static_cast<std::int64_t>(c.output().bytes());
    if (c.state() == Connection::State::closing) {
      if (now >= c.closeDeadline()) toDestroy.emplace_back(id, c.closeReason());
      continue;
    }
    if (c.lastReceived() > c.lastActivityReport() && now - c.lastActivityReport() >= kActivityReportInterval) {
      c.markActivityReported(now);
      hub_.connectionChanged(c, ConnectionEvent::Kind::active);
    }
    if (c.user().expiresAt > 0 && unixNow >= c.user().expiresAt) {
      c.beginClose(ws::close_code::policyViolation, "token expired", DisconnectReason::expired);
    } else if (!c.user().tokenId.empty() && hub_.services().isRevoked && hub_.services().isRevoked(c.user().tokenId)) {
      c.beginClose(ws::close_code::policyViolation, "token revoked", DisconnectReason::revoked);
    } else if (c.transport() == Transport::websocket && now - c.lastReceived() > 2 * interval) {
      toDestroy.emplace_back(id, DisconnectReason::heartbeat);  // two pings unanswered: the peer is gone
      continue;
    } else if (now - c.lastPing() >= interval) {
      c.markPinged(now);
      c.output().push(c.transport() == Transport::websocket ? ws::encodeFrame(ws::Opcode::ping, {})
                                                            : std::string(": ping\n\n"));
    } else {
      continue;
    }
    toFlush.push_back(id);
  }
  metrics_.queueBytes.set(queued);
  for (const auto& [id, why] : toDestroy)
    if (auto it = connections_.find(id); it != connections_.end()) destroy(*it->second, why);
  for (const auto id : toFlush)
    if (auto it = connections_.find(id); it != connections_.end()) flush(*it->second);
}

void EventLoop::closeAll() {
  for (auto& [id, c] : connections_) {
    c->beginClose(ws::close_code::goingAway, "server shutting down", DisconnectReason::shutdown);
  }
  std::vector<Connection*> all;
  for (auto& [id, c] : connections_)
    all.push_back(c.get());
  flushAll(all);
}

}  // namespace monti::realtime
