#include "hooks/DeliveryStore.hpp"

#include "data/PgArray.hpp"

#include <monti/http/Errors.hpp>

#include <charconv>

namespace monti::hooks {
namespace {

constexpr const char* kIso = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";

std::string iso(const char* column) { return std::string("to_char(") + column + " AT TIME ZONE 'UTC', " + kIso + ")"; }

/// A numeric array literal ({1,2.5}); to_chars keeps every digit a double needs to round-trip.
template <class Number>
std::string numberArray(const std::vector<Number>& values) {
  std::string out = "{";
  char buffer[32];
  for (const auto value : values) {
    if (out.size() > 1) out += ',';
    const auto [end, ec] = std::to_chars(std::begin(buffer), std::end(buffer), value);
    out.append(std::begin(buffer), end);
  }
  out += '}';
  return out;
}

nlohmann::json optionalText(const data::Row& row, int column) {
  return row.isNull(column) ? nlohmann::json(nullptr) : nlohmann::json(row.string(column));
}

nlohmann::json deliveryJson(const data::Row& row) {
  return {{"id", row.int64(0)},
          {"hook", row.string(1)},
          {"eventId", row.string(2)},
          {"event", row.string(3)},
          {"status", row.string(4)},
          {"attempts", row.int64(5)},
          {"maxAttempts", row.int64(6)},
          {"lastError", optionalText(row, 7)},
          {"nextAttemptAt", optionalText(row, 8)},
          {"createdAt", row.string(9)},
          {"startedAt", optionalText(row, 10)},
          {"finishedAt", optionalText(row, 11)},
          {"durationMs", row.isNull(12) ? nlohmann::json(nullptr) : nlohmann::json(row.number(12))},
          {"replays", row.int64(13)}};
}

std::string deliveryColumns() {
  return "id, hook, event_id::text, event_name, status, attempts, max_attempts, last_error, " +
         std::string("CASE WHEN status IN ('pending', 'failed') THEN ") + iso("next_attempt_at") + " END, " +
         iso("created_at") + ", " + iso("started_at") + ", " + iso("finished_at") + ", duration_ms, replays";
}

std::vector<SettledDelivery> settled(const data::Rows& rows) {
  std::vector<SettledDelivery> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (const auto row : rows)
    out.push_back({row.string(0), row.string(1)});
  return out;
}

}  // namespace

DeliveryStore::DeliveryStore(data::Database& database, std::string nodeId)
    : database_(database), nodeId_(std::move(nodeId)) {}

Statement DeliveryStore::enqueueStatement(const std::vector<DeliveryRequest>& requests) {
  std::vector<std::string> hooks;
  std::vector<std::string> ids;
  std::vector<std::string> names;
  std::vector<std::string> tenants;
  std::vector<std::string> documents;
  std::vector<std::string> createdAt;
  std::vector<int> maxAttempts;
  for (const auto& r : requests) {
    hooks.push_back(r.hook);
    ids.push_back(r.event->id);
    names.push_back(r.event->name);
    tenants.push_back(r.event->tenant);
    documents.push_back(r.event->toJson().dump());
    createdAt.push_back(r.event->createdAt);
    maxAttempts.push_back(r.maxAttempts);
  }
  return {
      "INSERT INTO hook_deliveries (hook, event_id, event_name, tenant, event, event_created_at, max_attempts) "
      "SELECT h, e::uuid, n, t, d::jsonb, c::timestamptz, m "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) "
      "AS x(h, e, n, t, d, c, m) "
      "ON CONFLICT (hook, event_id) DO NOTHING",
      {data::formatTextArray(hooks), data::formatTextArray(ids), data::formatTextArray(names),
       data::formatTextArray(tenants), data::formatTextArray(documents), data::formatTextArray(createdAt),
       numberArray(maxAttempts)}};
}

std::vector<ClaimedDelivery> DeliveryStore::claim(int limit, const std::vector<std::string>& hooks,
                                                  std::chrono::milliseconds lease) {
  if (limit <= 0 || hooks.empty()) return {};
  const auto rows = database_.exec(
      "UPDATE hook_deliveries d SET status = 'running', attempts = d.attempts + 1, claimed_by = $3, "
      "lease_until = now() + $2::bigint * interval '1 millisecond', updated_at = now() "
      "FROM (SELECT id FROM hook_deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= now() "
      "      AND hook = ANY($4::text[]) ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due "
      "WHERE d.id = due.id "
      "RETURNING d.id, d.hook, d.event::text, d.attempts, d.max_attempts, extract(epoch FROM d.event_created_at)",
      {limit, static_cast<std::int64_t>(lease.count()), nodeId_, data::formatTextArray(hooks)});
  std::vector<ClaimedDelivery> claimed;
  claimed.reserve(static_cast<std::size_t>(rows.size()));
  for (const auto row : rows) {
    claimed.push_back(ClaimedDelivery{row.int64(0), row.string(1), nlohmann::json::parse(row.text(2)),
                                      static_cast<int>(row.int64(3)), static_cast<int>(row.int64(4)), row.number(5)});
  }
  return claimed;
}

std::vector<SettledDelivery> DeliveryStore::complete(const std::vector<AttemptOutcome>& outcomes) {
  if (outcomes.empty()) return {};
  std::vector<std::int64_t> ids;
  std::vector<std::string> oks;
  std::vector<std::string> errors;
  std::vector<double> started;
  std::vector<double> durations;
  std::vector<std::int64_t> retryMs;
  for (const auto& o : outcomes) {
    ids.push_back(o.id);
    oks.emplace_back(o.ok ? "t" : "f");
    errors.push_back(o.error);
    started.push_back(o.startedAt);
    durations.push_back(o.durationMs);
    retryMs.push_back(o.retryIn.count());
  }
  const auto rows = database_.exec(
      "UPDATE hook_deliveries d SET "
      "status = CASE WHEN o.ok THEN 'done' WHEN d.attempts >= d.max_attempts THEN 'dead' ELSE 'failed' END, "
      "last_error = CASE WHEN o.ok THEN NULL ELSE o.error END, "
      "started_at = CASE WHEN o.started > 0 THEN to_timestamp(o.started) ELSE d.started_at END, "
      "finished_at = now(), duration_ms = o.duration, "
      "next_attempt_at = CASE WHEN o.ok THEN d.next_attempt_at "
      "                  ELSE now() + o.retry * interval '1 millisecond' END, "
      "lease_until = NULL, claimed_by = NULL, updated_at = now() "
      "FROM unnest($1::bigint[], $2::boolean[], $3::text[], $4::float8[], $5::float8[], $6::bigint[]) "
      "AS o(id, ok, error, started, duration, retry) "
      "WHERE d.id = o.id AND d.status = 'running' AND d.claimed_by = $7 "
      "RETURNING d.hook, d.status",
      {numberArray(ids), data::formatTextArray(oks), data::formatTextArray(errors), numberArray(started),
       numberArray(durations), numberArray(retryMs), nodeId_});
  return settled(rows);
}

void DeliveryStore::release(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  database_.exec(
      "UPDATE hook_deliveries SET status = CASE WHEN attempts <= 1 THEN 'pending' ELSE 'failed' END, "
      "attempts = attempts - 1, next_attempt_at = now(), lease_until = NULL, claimed_by = NULL, updated_at = now() "
      "WHERE id = ANY($1::bigint[]) AND status = 'running' AND claimed_by = $2",
      {numberArray(ids), nodeId_});
}

std::vector<SettledDelivery> DeliveryStore::reclaimExpired() {
  const auto rows = database_.exec(
      "UPDATE hook_deliveries SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END, "
      "last_error = 'the attempt did not finish within its lease: its node stopped or the run hung', "
      "next_attempt_at = now(), lease_until = NULL, claimed_by = NULL, updated_at = now() "
      "WHERE id IN (SELECT id FROM hook_deliveries WHERE status = 'running' AND lease_until < now() "
      "             FOR UPDATE SKIP LOCKED) "
      "RETURNING hook, status");
  return settled(rows);
}

nlohmann::json DeliveryStore::list(const DeliveryQuery& query) {
  const auto rows = database_.read(
      "SELECT " + deliveryColumns() + ", count(*) OVER () FROM hook_deliveries " +
          "WHERE tenant = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR hook = $3) "
          "ORDER BY id DESC LIMIT $4 OFFSET $5",
      {query.tenant, query.status, query.hook, query.limit, static_cast<std::int64_t>(query.page - 1) * query.limit});
  nlohmann::json items = nlohmann::json::array();
  std::int64_t total = 0;
  for (const auto row : rows) {
    items.push_back(deliveryJson(row));
    total = row.int64(14);
  }
  if (rows.empty() && query.page > 1) {
    total = database_
                .read(
                    "SELECT count(*) FROM hook_deliveries WHERE tenant = $1 AND ($2::text IS NULL OR status = $2) "
                    "AND ($3::text IS NULL OR hook = $3)",
                    {query.tenant, query.status, query.hook})[0]
                .int64(0);
  }
  const auto pages = (total + query.limit - 1) / query.limit;
  return {{"data", items},
          {"meta", {{"total", total}, {"page", query.page}, {"limit", query.limit}, {"totalPages", pages}}}};
}

std::optional<nlohmann::json> DeliveryStore::replay(std::int64_t id, const std::string& tenant) {
  const auto rows = database_.exec(
      "UPDATE hook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, "
      "replays = replays + 1, updated_at = now() "
      "WHERE id = $1 AND tenant = $2 AND status IN ('dead', 'failed', 'done') RETURNING " +
          deliveryColumns(),
      {id, tenant});
  if (!rows.empty()) return deliveryJson(rows[0]);
  const auto existing =
      database_.read("SELECT status FROM hook_deliveries WHERE id = $1 AND tenant = $2", {id, tenant});
  if (existing.empty()) return std::nullopt;
  throw http::Conflict("delivery " + std::to_string(id) + " is " + existing[0].string(0) +
                       ": only a dead, failed or done delivery can be replayed");
}

std::int64_t DeliveryStore::backlog() {
  return database_.read("SELECT count(*) FROM hook_deliveries WHERE status IN ('pending', 'failed')")[0].int64(0);
}

}  // namespace monti::hooks
