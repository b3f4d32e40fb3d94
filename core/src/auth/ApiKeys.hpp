#pragma once

#include "auth/AuditLog.hpp"

#include <monti/auth/Principal.hpp>
#include <monti/data/Database.hpp>

#include <nlohmann/json.hpp>

namespace monti::auth {

/// Service API keys for machines (hook triggers, integrations): created by admins and shown once, stored
/// hashed, scoped to permissions and a tenant, optionally expiring, revocable. Thread-safe.
class ApiKeys {
 public:
  ApiKeys(data::Database& database, AuditLog& audit) : database_(database), audit_(audit) {}

  /// {"name", "permissions": [...], "expiresAt"?} → the key description with the secret `key`, once.
  /// The permissions must be ones the creator holds.
  nlohmann::json create(const Principal& creator, const nlohmann::json& body, const std::string& correlationId);
  /// The caller's tenant's keys, newest first, without secrets.
  nlohmann::json list(const Principal& caller);
  /// Revokes one of the caller's tenant's keys; false when there is no such key (404).
  bool revoke(const Principal& caller, std::int64_t id, const std::string& correlationId);

 private:
  data::Database& database_;
  AuditLog& audit_;
};

}  // namespace monti::auth
