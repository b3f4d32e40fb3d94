#pragma once

#include <monti/data/Database.hpp>
#include <monti/obs/Logger.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace monti::auth {

/// One security event (audit_log row). `details` must never hold secrets.
struct AuditEntry {
  std::string tenant;
  std::string actor;   ///< "user:12", "apikey:3", or "" for an anonymous caller
  std::string action;  ///< login.succeeded, login.failed, logout, token.reuse_detected, access.denied, …
  std::string target;
  std::string ip;
  std::string correlationId;
  nlohmann::json details = nlohmann::json::object();
};

/// Writes security events to audit_log. A failed write is logged and swallowed: auditing must not turn a
/// successful request into a failed one. Thread-safe.
class AuditLog {
 public:
  AuditLog(data::Database& database, obs::Logger& logger) : database_(database), logger_(logger) {}
  void record(const AuditEntry& entry) noexcept;
  /// A page of entries for one tenant, newest first: {data, meta: {total, page, limit, totalPages}}.
  nlohmann::json page(const std::string& tenant, int page, int limit);

 private:
  data::Database& database_;
  obs::Logger& logger_;
};

}  // namespace monti::auth
