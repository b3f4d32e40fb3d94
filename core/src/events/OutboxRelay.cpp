#include "events/OutboxRelay.hpp"

#include <monti/events/Event.hpp>

#include <poll.h>

namespace monti::events {
namespace {

// Shared by every node; pg_advisory_lock takes a bigint.
constexpr const char* kRelayLockKey = "4242000002";

}  // namespace

OutboxRelay::OutboxRelay(Settings settings, kv::PubSub& bus, obs::Logger& logger, obs::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      bus_(bus),
      logger_(logger),
      published_(metrics.counter("monti_outbox_published_total", "Outbox events published on the bus")),
      leader_(metrics.gauge("monti_outbox_relay_active", "1 while this node is the active outbox relay")) {}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::start() {
  thread_ = std::thread([this] { run(); });
}

void OutboxRelay::stop() noexcept {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    try {
      data::PgConnection connection(settings_.databaseUrl, data::ConnectionOptions{std::chrono::seconds{2}, {}});
      backoff = std::chrono::milliseconds(100);
      lead(connection);
    } catch (const std::exception& e) {
      if (active_.exchange(false)) logger_.warn("outbox relay lost its connection", {{"error", e.what()}});
      leader_.set(0);
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_;
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
  active_ = false;
  leader_.set(0);
}

void OutboxRelay::lead(data::PgConnection& connection) {
  // Standby until the lock is ours; the holder's session ending releases it.
  while (!stopping_ && !connection.exec("SELECT pg_try_advisory_lock($1::bigint)", {kRelayLockKey})[0].boolean(0)) {
    for (int i = 0; i < 20 && !stopping_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (stopping_) return;
  connection.exec("LISTEN monti_outbox");
  active_ = true;
  leader_.set(1);
  logger_.info("outbox relay active");
  while (!stopping_) {
    if (publishBatch(connection) < settings_.batchSize) waitForWork(connection);
  }
}

int OutboxRelay::publishBatch(data::PgConnection& connection) {
  data::PgTransaction tx(connection);
  auto rows = connection.exec(
      "SELECT seq, id, name, tenant, aggregate, payload::text, "
      "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
      "FROM event_outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
      {settings_.batchSize});
  if (rows.empty()) return 0;
  std::string published = "{";
  std::vector<Event> relayed;
  for (const auto row : rows) {
    Event event{row.string(1), row.int64(0),  row.string(2),
                row.string(3), row.string(4), nlohmann::json::parse(row.text(5)),
                row.string(6)};
    if (!bus_.publish(settings_.channel, event.toJson().dump())) {
      throw std::runtime_error("the event bus refused event " + event.id);  // rolls back; retried later
    }
    if (published.size() > 1) published += ',';
    published += row.text(0);
    if (settings_.afterPublish || settings_.withinTransaction) relayed.push_back(std::move(event));
  }
  published += '}';
  if (settings_.withinTransaction) settings_.withinTransaction(connection, relayed);
  connection.exec("UPDATE event_outbox SET published_at = now() WHERE seq = ANY($1::bigint[])", {published});
  tx.commit();
  published_.inc(static_cast<std::uint64_t>(rows.size()));
  if (settings_.afterPublish && !relayed.empty()) {
    try {
      settings_.afterPublish(relayed);
    } catch (const std::exception& e) {
      logger_.error("outbox relay: after-publish step failed",
                    {{"firstEventId", relayed.front().id}, {"events", relayed.size()}, {"error", e.what()}});
    }
  }
  return rows.size();
}

void OutboxRelay::waitForWork(data::PgConnection& connection) {
  const auto deadline = std::chrono::steady_clock::now() + settings_.idlePoll;
  while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
    pollfd fd{connection.socket(), POLLIN, 0};
    if (::poll(&fd, 1, 100) > 0 && !connection.drainNotifications().empty()) return;
  }
}

}  // namespace monti::events
