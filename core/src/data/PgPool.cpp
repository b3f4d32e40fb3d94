#include "data/PgPool.hpp"

#include <poll.h>

namespace monti::data {
namespace {

// Pooled connections never LISTEN, so an idle one whose socket is readable is almost always one the
// server closed (a restart, pg_terminate_backend, idle timeout): replacing it costs one reconnect, and
// keeping it would cost a failed request.
bool stillUsable(const PgConnection& connection) {
  if (!connection.healthy()) return false;
  pollfd fd{connection.socket(), POLLIN, 0};
  return ::poll(&fd, 1, 0) == 0;
}

}  // namespace

PgPool::PgPool(Settings settings, obs::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      inUse_(metrics.gauge("monti_db_connections", "Pooled database connections by state",
                           {{"pool", settings_.name}, {"state", "in_use"}})),
      idleGauge_(metrics.gauge("monti_db_connections", "Pooled database connections by state",
                               {{"pool", settings_.name}, {"state", "idle"}})),
      timeouts_(metrics.counter("monti_db_acquire_timeouts_total", "Requests that found no free connection in time",
                                {{"pool", settings_.name}})),
      connectFailures_(metrics.counter("monti_db_connect_failures_total", "Failed connection attempts",
                                       {{"pool", settings_.name}})) {}

PgPool::Lease::Lease(PgPool& pool, std::unique_ptr<PgConnection> connection)
    : pool_(&pool), connection_(std::move(connection)) {}

PgPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}

PgPool::Lease::~Lease() {
  if (connection_) pool_->release(std::move(connection_));
}

PgPool::Lease PgPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + settings_.acquireTimeout;
  std::unique_lock lock(mutex_);
  while (true) {
    while (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      idleGauge_.dec();
      if (stillUsable(*connection)) {
        inUse_.inc();
        return {*this, std::move(connection)};
      }
      --open_;  // dropped: the server closed it
    }
    if (open_ < settings_.size) break;
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= settings_.size) {
      timeouts_.inc();
      throw DatabaseUnavailable("no database connection became free within " +
                                std::to_string(settings_.acquireTimeout.count()) + " ms (pool " + settings_.name +
                                " of " + std::to_string(settings_.size) + ")");
    }
  }
  if (std::chrono::steady_clock::now() - lastFailure_ < settings_.retryInterval) {
    throw DatabaseUnavailable(lastError_);  // the server was unreachable a moment ago: fail fast
  }
  ++open_;
  lock.unlock();
  try {
    auto connection = open();
    inUse_.inc();
    return {*this, std::move(connection)};
  } catch (const DatabaseUnavailable& e) {
    lock.lock();
    --open_;
    lastFailure_ = std::chrono::steady_clock::now();
    lastError_ = e.logDetail();
    connectFailures_.inc();
    freed_.notify_one();
    throw;
  }
}

std::unique_ptr<PgConnection> PgPool::open() {
  return std::make_unique<PgConnection>(settings_.url, settings_.connection);
}

void PgPool::release(std::unique_ptr<PgConnection> connection) {
  inUse_.dec();
  std::lock_guard lock(mutex_);
  if (connection->healthy()) {
    idle_.push_back(std::move(connection));
    idleGauge_.inc();
  } else {
    --open_;
  }
  freed_.notify_one();
}

}  // namespace monti::data
