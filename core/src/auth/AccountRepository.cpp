#include "auth/AccountRepository.hpp"

#include "data/PgArray.hpp"

namespace monti::auth {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, username, email, password_hash, role, departments, locations, is_active, "
    "to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

Account fromRow(const data::Row& row) {
  Account a;
  a.id = row.int64(0);
  a.tenant = row.string(1);
  a.username = row.string(2);
  a.email = row.string(3);
  a.passwordHash = row.string(4);
  a.role = row.string(5);
  a.departments = data::parseTextArray(row.text(6));
  a.locations = data::parseTextArray(row.text(7));
  a.active = row.boolean(8);
  a.lastLoginAt = row.optionalString(9);
  a.createdAt = row.string(10);
  a.updatedAt = row.string(11);
  return a;
}

}  // namespace

nlohmann::json Account::toJson() const {
  return {{"id", id},
          {"username", username},
          {"email", email},
          {"role", role},
          {"tenant", tenant},
          {"departments", departments},
          {"locations", locations},
          {"isActive", active},
          {"lastLoginAt", lastLoginAt ? nlohmann::json(*lastLoginAt) : nlohmann::json(nullptr)},
          {"createdAt", createdAt},
          {"updatedAt", updatedAt}};
}

std::optional<Account> AccountRepository::findOne(std::string_view where, const data::Params& params) {
  auto rows = database_.exec(std::string("SELECT ") + kColumns + " FROM users WHERE " + std::string(where), params);
  if (rows.empty()) return std::nullopt;
  return fromRow(rows[0]);
}

std::optional<Account> AccountRepository::findByLogin(std::string_view usernameOrEmail) {
  return findOne("lower(username) = lower($1) OR lower(email) = lower($1)", {usernameOrEmail});
}

std::optional<Account> AccountRepository::findById(std::int64_t id) { return findOne("id = $1", {id}); }

Account AccountRepository::create(const NewAccount& account) {
  auto rows = database_.exec(
      std::string("INSERT INTO users (tenant_id, username, email, password_hash, role, departments, locations) "
                  "VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[]) RETURNING ") +
          kColumns,
      {account.tenant, account.username, account.email, account.passwordHash, account.role,
       data::formatTextArray(account.departments), data::formatTextArray(account.locations)});
  return fromRow(rows[0]);
}

void AccountRepository::recordLogin(std::int64_t id) {
  database_.exec("UPDATE users SET last_login_at = now() WHERE id = $1", {id});
}

void AccountRepository::updatePasswordHash(std::int64_t id, const std::string& hash) {
  database_.exec("UPDATE users SET password_hash = $1, updated_at = now() WHERE id = $2", {hash, id});
}

bool AccountRepository::anyAdmin() {
  return !database_.exec("SELECT 1 FROM users WHERE role = 'admin' AND is_active LIMIT 1").empty();
}

}  // namespace monti::auth
