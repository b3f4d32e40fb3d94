#pragma once

#include "kv/KeyValue.hpp"
#include "plugin/Catalog.hpp"

#include <monti/data/Database.hpp>
#include <monti/events/EventRegistry.hpp>
#include <monti/obs/Logger.hpp>
#include <monti/obs/Metrics.hpp>

#include <memory>
#include <string>

namespace monti::events {

/// The event flow of one node: emit writes to the outbox inside the caller's transaction; the outbox
/// relay (one node at a time) publishes committed events on the bus; every node's bus subscription hands
/// them to its local subscribers in order.
class EventService {
 public:
  /// The bus channel every node listens on.
  static constexpr std::string_view kChannel = "monti:events";

  EventService(const plugin::Catalog& catalog, kv::PubSub& bus, obs::Logger& logger, obs::MetricsRegistry& metrics);
  ~EventService();
  EventService(const EventService&) = delete;
  EventService& operator=(const EventService&) = delete;

  /// Subscribes to the bus; from then on committed events reach the catalog's subscribers.
  void start();
  void stop() noexcept;

  /// See EventRegistry::emit. Thread-safe.
  std::string emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload,
                   const EmitOptions& options);
  /// Hands one bus message to the matching subscribers (public for tests).
  void deliver(const std::string& message);

 private:
  const plugin::Catalog& catalog_;
  kv::PubSub& bus_;
  obs::Logger& logger_;
  obs::Counter& emitted_;
  obs::Counter& delivered_;
  obs::Counter& subscriberErrors_;
  std::unique_ptr<kv::PubSub::Subscription> subscription_;
};

}  // namespace monti::events
