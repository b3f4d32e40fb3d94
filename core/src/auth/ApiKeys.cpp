#include "auth/ApiKeys.hpp"

#include "auth/AccountRepository.hpp"
#include "auth/crypto/Digest.hpp"
#include "auth/crypto/Random.hpp"
#include "data/PgArray.hpp"

#include <monti/http/Errors.hpp>

#include <regex>

namespace monti::auth {
namespace {

constexpr const char* kColumns =
    "id, name, prefix, permissions, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

nlohmann::json describe(const data::Row& row) {
  const auto optional = [&row](int column) {
    return row.isNull(column) ? nlohmann::json(nullptr) : nlohmann::json(row.string(column));
  };
  return {{"id", row.int64(0)},         {"name", row.string(1)},
          {"prefix", row.string(2)},    {"permissions", data::parseTextArray(row.text(3))},
          {"createdAt", row.string(4)}, {"expiresAt", optional(5)},
          {"revokedAt", optional(6)},   {"lastUsedAt", optional(7)}};
}

std::vector<std::string> permissionsFrom(const nlohmann::json& body, const Principal& creator) {
  static const std::regex permission("[a-z][a-z_-]*:[a-z*][a-z_-]*|\\*");
  const auto it = body.find("permissions");
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > 50) {
    throw http::BadRequest::field("permissions", "must be a list of 1 to 50 permissions");
  }
  std::vector<std::string> permissions;
  for (const auto& p : *it) {
    if (!p.is_string() || !std::regex_match(p.get_ref<const std::string&>(), permission)) {
      throw http::BadRequest::field("permissions", "each permission looks like read:agents");
    }
    if (!creator.has(p.get<std::string>())) {
      throw http::Forbidden("an API key cannot get a permission its creator lacks: " + p.get<std::string>());
    }
    permissions.push_back(p.get<std::string>());
  }
  return permissions;
}

}  // namespace

nlohmann::json ApiKeys::create(const Principal& creator, const nlohmann::json& body, const std::string& correlationId) {
  if (!body.is_object()) throw http::BadRequest("the body must be a JSON object");
  const auto name = body.value("name", nlohmann::json()).is_string() ? body["name"].get<std::string>() : "";
  if (name.empty() || name.size() > 100) throw http::BadRequest::field("name", "is required (1 to 100 characters)");
  const auto permissions = permissionsFrom(body, creator);
  std::optional<std::string> expiresAt;
  if (body.contains("expiresAt") && !body["expiresAt"].is_null()) {
    if (!body["expiresAt"].is_string()) throw http::BadRequest::field("expiresAt", "must be an ISO 8601 timestamp");
    expiresAt = body["expiresAt"].get<std::string>();
  }
  const std::string secret = "mk_" + crypto::randomToken();
  const auto createdBy =
      creator.id.find(':') == std::string::npos ? data::Param(std::stoll(creator.id)) : data::Param(std::nullopt);
  data::Rows rows{nullptr};
  try {
    rows =
        database_.exec(std::string("INSERT INTO api_keys (tenant_id, name, prefix, key_hash, permissions, created_by, "
                                   "expires_at) VALUES ($1, $2, $3, $4, $5::text[], $6, $7::timestamptz) "
                                   "RETURNING ") +
                           kColumns,
                       {creator.tenant, name, secret.substr(0, 10), crypto::sha256Hex(secret),
                        data::formatTextArray(permissions), createdBy, expiresAt});
  } catch (const data::DatabaseError& e) {
    if (e.sqlState().rfind("22", 0) == 0) throw http::BadRequest::field("expiresAt", "must be an ISO 8601 timestamp");
    throw;
  }
  auto description = describe(rows[0]);
  description["key"] = secret;
  audit_.record({creator.tenant,
                 "user:" + creator.id,
                 "api_key.created",
                 "api_key:" + std::to_string(rows[0].int64(0)),
                 "",
                 correlationId,
                 {{"name", name}, {"permissions", permissions}}});
  return description;
}

nlohmann::json ApiKeys::list(const Principal& caller) {
  auto rows = database_.read(std::string("SELECT ") + kColumns +
                                 " FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1000",
                             {caller.tenant});
  nlohmann::json items = nlohmann::json::array();
  for (const auto row : rows)
    items.push_back(describe(row));
  return {{"data", items}};
}

bool ApiKeys::revoke(const Principal& caller, std::int64_t id, const std::string& correlationId) {
  auto rows = database_.exec(
      "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING id",
      {id, caller.tenant});
  if (rows.empty()) return false;
  audit_.record({caller.tenant, "user:" + caller.id, "api_key.revoked", "api_key:" + std::to_string(id), "",
                 correlationId, nlohmann::json::object()});
  return true;
}

}  // namespace monti::auth
