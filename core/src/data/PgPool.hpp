#pragma once

#include "data/PgConnection.hpp"

#include <monti/obs/Metrics.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace monti::data {

/// A bounded pool of connections to one server. Thread-safe.
///
/// Connections open lazily up to `size`. An acquire that finds none free within `acquireTimeout` throws
/// DatabaseUnavailable (503), never hangs. A connection that broke is discarded on release, and idle ones
/// are checked before reuse, so after a server restart the pool heals by itself. While the server is
/// down, connection attempts are spaced by `retryInterval` and the requests in between fail fast.
class PgPool {
 public:
  struct Settings {
    std::string url;
    std::string name = "primary";  ///< metric label
    int size = 20;
    std::chrono::milliseconds acquireTimeout{30000};
    std::chrono::milliseconds retryInterval{250};
    ConnectionOptions connection;
  };

  /// A connection on loan; returns to the pool on destruction.
  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> connection);
    ~Lease();
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    PgConnection& operator*() const noexcept { return *connection_; }
    PgConnection* operator->() const noexcept { return connection_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> connection_;
  };

  PgPool(Settings settings, obs::MetricsRegistry& metrics);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  /// Throws DatabaseUnavailable when no connection is free in time or the server cannot be reached.
  Lease acquire();

 private:
  void release(std::unique_ptr<PgConnection> connection);
  std::unique_ptr<PgConnection> open();

  Settings settings_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // connections that exist or are being opened
  std::chrono::steady_clock::time_point lastFailure_{};
  std::string lastError_;
  obs::Gauge& inUse_;
  obs::Gauge& idleGauge_;
  obs::Counter& timeouts_;
  obs::Counter& connectFailures_;
};

}  // namespace monti::data
