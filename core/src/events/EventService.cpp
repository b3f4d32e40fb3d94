#include "events/EventService.hpp"

#include <algorithm>

namespace monti::events {

EventService::EventService(const plugin::Catalog& catalog, kv::PubSub& bus, obs::Logger& logger,
                           obs::MetricsRegistry& metrics)
    : catalog_(catalog),
      bus_(bus),
      logger_(logger),
      emitted_(metrics.counter("monti_events_emitted_total", "Events written to the outbox")),
      delivered_(metrics.counter("monti_events_delivered_total", "Events handed to local subscribers")),
      subscriberErrors_(metrics.counter("monti_event_subscriber_errors_total", "Subscriber calls that threw")) {}

EventService::~EventService() { stop(); }

void EventService::start() {
  subscription_ =
      bus_.subscribe(kChannel, [this](const std::string&, const std::string& message) { deliver(message); });
}

void EventService::stop() noexcept { subscription_.reset(); }

std::string EventService::emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload,
                               const EmitOptions& options) {
  const auto& declared = catalog_.events;
  if (std::none_of(declared.begin(), declared.end(), [name](const plugin::EventDecl& e) { return e.name == name; })) {
    throw std::invalid_argument("event " + std::string(name) + " was never declared");
  }
  auto rows = tx.exec(
      "INSERT INTO event_outbox (id, name, tenant, aggregate, payload) "
      "VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb) RETURNING id",
      {name, options.tenant, options.aggregate, payload});
  emitted_.inc();
  return rows[0].string(0);
}

void EventService::deliver(const std::string& message) {
  Event event;
  try {
    event = Event::fromJson(nlohmann::json::parse(message));
  } catch (const nlohmann::json::exception& e) {
    logger_.error("malformed event on the bus", {{"error", e.what()}});
    return;
  }
  for (const auto& s : catalog_.subscribers) {
    if (!matches(s.pattern, event.name)) continue;
    try {
      s.subscriber(event);
      delivered_.inc();
    } catch (const std::exception& e) {
      subscriberErrors_.inc();
      logger_.error("event subscriber failed",
                    {{"subscriber", s.owner}, {"event", event.name}, {"eventId", event.id}, {"error", e.what()}});
    }
  }
}

}  // namespace monti::events
