#pragma once

#include <monti/data/Database.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct pg_conn;

namespace monti::data {

/// Connection settings shared by every connection of a pool.
struct ConnectionOptions {
  std::chrono::seconds connectTimeout{5};
  std::chrono::milliseconds statementTimeout{0};  ///< 0: none
};

/// One libpq connection. Not thread-safe: one thread at a time. Closed on destruction.
class PgConnection {
 public:
  /// Throws DatabaseUnavailable when the server cannot be reached or refuses the login. libpq's message
  /// names host and user, never the password.
  explicit PgConnection(const std::string& url, const ConnectionOptions& options = {});

  /// A parameterised statement ($1, $2 …), prepared on first use and reused by its SQL text.
  /// Throws DatabaseError for a failing statement, DatabaseUnavailable when the connection broke.
  Rows exec(std::string_view sql, const Params& params = {});
  /// Several statements in one string, for trusted SQL only (migration files shipped with Monti).
  void execScript(const std::string& sql);
  /// True when connected and outside any transaction: fit to go back to a pool. False once the server
  /// went away, or when a transaction was left open (a guard's rollback failed): discard it then.
  bool healthy() const noexcept;
  /// The socket, for waiting on notifications (LISTEN).
  int socket() const noexcept;
  /// Reads pending input and returns the channel and payload of each NOTIFY received since the last call.
  std::vector<std::pair<std::string, std::string>> drainNotifications();

 private:
  Rows checked(pg_result* result);

  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
};

/// Rolls back on destruction unless commit() was called.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection);
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void commit();

 private:
  PgConnection& connection_;
  bool done_ = false;
};

}  // namespace monti::data
