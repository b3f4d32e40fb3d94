#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace monti::data {

/// A PostgreSQL error: the server's message and SQLSTATE (empty for connection failures).
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlState);
  const std::string& sqlState() const noexcept { return sqlState_; }

 private:
  std::string sqlState_;
};

/// A query result in text format. Owns the PGresult.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  int rows() const noexcept;
  bool isNull(int row, int column) const noexcept;
  /// The text of a cell; empty for NULL.
  std::string_view text(int row, int column) const noexcept;
  std::optional<std::string> optional(int row, int column) const;
  /// Rows a command touched (INSERT/UPDATE/DELETE).
  long affected() const;

 private:
  std::unique_ptr<pg_result, void (*)(pg_result*)> result_;
};

using PgParams = std::vector<std::optional<std::string>>;

/// One libpq connection. Not thread-safe: one thread at a time. Closed on destruction.
class PgConnection {
 public:
  /// Throws PgError when the server cannot be reached or refuses the login. Never puts the URL's
  /// password into the message.
  explicit PgConnection(const std::string& url, std::chrono::seconds connectTimeout = std::chrono::seconds{5});

  /// A parameterised statement ($1, $2 …): values travel separately from the SQL, never spliced in.
  PgResult exec(std::string_view sql, const PgParams& params = {});
  /// Several statements at once, for trusted SQL only (migration files shipped with Monti).
  void execScript(const std::string& sql);

 private:
  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
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
