#include "auth/AuditLog.hpp"

namespace monti::auth {

void AuditLog::record(const AuditEntry& e) noexcept {
  try {
    database_.exec(
        "INSERT INTO audit_log (tenant_id, actor, action, target, ip, correlation_id, details) "
        "VALUES (NULLIF($1, ''), NULLIF($2, ''), $3, NULLIF($4, ''), NULLIF($5, ''), NULLIF($6, ''), $7::jsonb)",
        {e.tenant, e.actor, e.action, e.target, e.ip, e.correlationId, e.details});
  } catch (const std::exception& error) {
    try {
      logger_.error("audit entry not written", {{"action", e.action}, {"error", error.what()}});
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing is left to report to
    }
  }
}

nlohmann::json AuditLog::page(const std::string& tenant, int page, int limit) {
  const auto total = database_.read("SELECT count(*) FROM audit_log WHERE tenant_id = $1", {tenant})[0].int64(0);
  auto rows = database_.read(
      "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), actor, action, target, ip, "
      "correlation_id, details::text FROM audit_log WHERE tenant_id = $1 ORDER BY at DESC, id DESC "
      "LIMIT $2 OFFSET $3",
      {tenant, limit, static_cast<std::int64_t>(page - 1) * limit});
  nlohmann::json items = nlohmann::json::array();
  for (const auto row : rows) {
    const auto optional = [&row](int column) {
      return row.isNull(column) ? nlohmann::json(nullptr) : nlohmann::json(row.string(column));
    };
    items.push_back({{"id", row.int64(0)},
                     {"at", row.string(1)},
                     {"actor", optional(2)},
                     {"action", row.string(3)},
                     {"target", optional(4)},
                     {"ip", optional(5)},
                     {"correlationId", optional(6)},
                     {"details", row.json(7)}});
  }
  const auto pages = (total + limit - 1) / limit;
  return {{"data", items}, {"meta", {{"total", total}, {"page", page}, {"limit", limit}, {"totalPages", pages}}}};
}

}  // namespace monti::auth
