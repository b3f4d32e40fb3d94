#pragma once

#include "data/PgConnection.hpp"
#include "kv/KeyValue.hpp"

#include <monti/events/Event.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace monti::events {

/// Publishes committed outbox rows on the bus, in sequence order, then stamps them published.
///
/// Every node runs one; a PostgreSQL advisory lock makes exactly one of them the active relay, and a
/// standby takes over within a second when the active node dies (its session, and so its lock, ends).
/// Rows are stamped in the same transaction that claimed them, after the bus accepted them: a relay that
/// dies in between leaves them unstamped, to be published again (at least once). The relay sleeps on
/// LISTEN monti_outbox, which a trigger notifies when a transaction with events commits.
class OutboxRelay {
 public:
  struct Settings {
    std::string databaseUrl;
    std::string channel;  ///< bus channel
    int batchSize = 500;
    std::chrono::milliseconds idlePoll{1000};  ///< wake-up without a notification, as a safety net
    /// Runs for each batch of events once they were published and stamped, on the active relay only: work
    /// that must happen once per event in the whole cluster (the realtime hub routes events into rooms here).
    std::function<void(const std::vector<Event>&)> afterPublish;
    /// Runs for each batch inside the relay's transaction, before its rows are stamped: durable work that
    /// must commit together with the batch (hook deliveries). Throwing rolls the batch back, to be relayed
    /// again.
    std::function<void(data::PgConnection&, const std::vector<Event>&)> withinTransaction;
  };

  OutboxRelay(Settings settings, kv::PubSub& bus, obs::Logger& logger, obs::MetricsRegistry& metrics);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void start();
  void stop() noexcept;
  /// True while this node is the active relay (for /health and tests).
  bool active() const noexcept { return active_.load(); }

 private:
  void run();
  void lead(data::PgConnection& connection);
  /// Publishes one batch; returns how many rows it published.
  int publishBatch(data::PgConnection& connection);
  void waitForWork(data::PgConnection& connection);

  Settings settings_;
  kv::PubSub& bus_;
  obs::Logger& logger_;
  obs::Counter& published_;
  obs::Gauge& leader_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> active_{false};
  std::thread thread_;
};

}  // namespace monti::events
