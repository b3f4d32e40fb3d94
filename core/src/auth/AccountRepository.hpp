#pragma once

#include <monti/data/Database.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace monti::auth {

/// A user account as the core stores it (users table). Never serialised with its password hash.
struct Account {
  std::int64_t id = 0;
  std::string tenant;
  std::string username;
  std::string email;
  std::string passwordHash;
  std::string role;
  std::vector<std::string> departments;
  std::vector<std::string> locations;
  bool active = true;
  std::optional<std::string> lastLoginAt;
  std::string createdAt;
  std::string updatedAt;

  /// The public view: {id, username, email, role, tenant, departments, locations, isActive, lastLoginAt,
  /// createdAt, updatedAt}. Timestamps ISO 8601 UTC; nulls stay null.
  nlohmann::json toJson() const;
};

struct NewAccount {
  std::string tenant = "default";
  std::string username;
  std::string email;
  std::string passwordHash;
  std::string role;
  std::vector<std::string> departments;
  std::vector<std::string> locations;
};

/// Accounts in PostgreSQL. Thread-safe (the Database is).
class AccountRepository {
 public:
  explicit AccountRepository(data::Database& database) : database_(database) {}

  /// By username or email, case-insensitively.
  std::optional<Account> findByLogin(std::string_view usernameOrEmail);
  std::optional<Account> findById(std::int64_t id);
  /// Throws data::DatabaseError (isUniqueViolation) when the username or email is taken.
  Account create(const NewAccount& account);
  void recordLogin(std::int64_t id);
  void updatePasswordHash(std::int64_t id, const std::string& hash);
  bool anyAdmin();
  data::Database& database() noexcept { return database_; }

 private:
  std::optional<Account> findOne(std::string_view where, const data::Params& params);

  data::Database& database_;
};

}  // namespace monti::auth
