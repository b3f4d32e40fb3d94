#include "kv/RedisConnectionPool.hpp"

#include "kv/KeyValue.hpp"

#include <stdexcept>
#include <utility>

namespace monti::kv {

RedisConnectionPool::RedisConnectionPool(RedisSettings settings, std::size_t size, obs::Logger& logger)
    : settings_(std::move(settings)), size_(size == 0 ? 1 : size), logger_(logger) {}

RedisConnectionPool::~RedisConnectionPool() = default;

RedisReplyPtr RedisConnectionPool::command(const std::vector<std::string_view>& args) {
  RedisContextPtr c = acquire();
  RedisReplyPtr reply = runCommand(*c, args);
  if (!reply || c->err != 0) {
    const std::string reason = c->errstr;
    {
      const std::lock_guard lock(mutex_);
      --open_;  // dropped: the next caller opens a fresh one
    }
    freed_.notify_one();
    connectFailed(reason);
    throw Unavailable("redis: command failed: " + reason);
  }
  release(std::move(c));
  return reply;
}

RedisContextPtr RedisConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + settings_.timeout;
  for (;;) {
    while (!idle_.empty()) {
      RedisContextPtr c = std::move(idle_.back());
      idle_.pop_back();
      if (!looksClosed(*c)) return c;
      --open_;  // Redis closed it while it sat idle; drop it rather than fail the caller's command
    }
    if (open_ < size_) break;
    if (!freed_.wait_until(lock, deadline, [this] { return !idle_.empty() || open_ < size_; })) {
      throw Unavailable("redis: no free connection within the timeout (pool of " + std::to_string(size_) + ")");
    }
  }
  if (std::chrono::steady_clock::now() < nextAttempt_) throw Unavailable("redis: unreachable, retrying shortly");
  ++open_;
  lock.unlock();
  try {
    RedisContextPtr c = connectRedis(settings_);
    connected();
    return c;
  } catch (const Unavailable& e) {
    {
      const std::lock_guard relock(mutex_);
      --open_;
    }
    freed_.notify_one();
    connectFailed(e.what());
    throw;
  }
}

void RedisConnectionPool::release(RedisContextPtr c) noexcept {
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));
  }
  freed_.notify_one();
}

void RedisConnectionPool::connectFailed(const std::string& reason) {
  bool log = false;
  {
    const std::lock_guard lock(mutex_);
    nextAttempt_ = std::chrono::steady_clock::now() + backoff_.next();
    log = std::exchange(reachable_, false);
  }
  if (log)
    logger_.warn("redis unreachable; cache misses, counters and locks fail until it is back", {{"error", reason}});
}

void RedisConnectionPool::connected() {
  bool log = false;
  {
    const std::lock_guard lock(mutex_);
    backoff_.reset();
    nextAttempt_ = {};
    log = !std::exchange(reachable_, true);
  }
  if (log) logger_.info("redis reachable again");
}

}  // namespace monti::kv
