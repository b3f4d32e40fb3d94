#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace monti::itest {

/// One row of a query result as text; nullopt for NULL.
using SqlRow = std::vector<std::optional<std::string>>;

/// A libpq connection from the test itself, to look at (and set up) what monti wrote. Parameters are passed
/// separately from the statement, like monti does.
class Sql {
 public:
  explicit Sql(const std::string& url);
  ~Sql();
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;
  Sql(Sql&&) = delete;
  Sql& operator=(Sql&&) = delete;

  /// Runs one statement; throws std::runtime_error with PostgreSQL's message when it fails.
  std::vector<SqlRow> query(const std::string& sql, const std::vector<std::string>& params = {});
  /// The first column of the first row ("" for NULL); throws when there is no row.
  std::string scalar(const std::string& sql, const std::vector<std::string>& params = {});
  /// scalar() as a number.
  long long count(const std::string& sql, const std::vector<std::string>& params = {});
  /// True when a table of that name is visible on the search path.
  bool tableExists(const std::string& name);

 private:
  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
};

}  // namespace monti::itest
