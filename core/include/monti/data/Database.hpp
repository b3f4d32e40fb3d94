#pragma once
/// PostgreSQL for plugins: pooled connections, parameterised prepared statements, scoped transactions.

#include <monti/http/Errors.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_result;

namespace monti::data {

/// One statement parameter in text form, or SQL NULL. Values travel apart from the SQL text: no client
/// input is ever spliced into a statement.
class Param {
 public:
  Param(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): params read like values
  Param(std::string value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Param(std::string_view value) : value_(std::string(value)) {}  // NOLINT(google-explicit-constructor)
  Param(const char* value) : value_(std::string(value)) {}       // NOLINT(google-explicit-constructor)
  Param(int value) : value_(std::to_string(value)) {}            // NOLINT(google-explicit-constructor)
  Param(long value) : value_(std::to_string(value)) {}           // NOLINT(google-explicit-constructor): std::int64_t
  Param(long long value) : value_(std::to_string(value)) {}      // NOLINT(google-explicit-constructor)
  Param(double value);                                           // NOLINT(google-explicit-constructor)
  Param(bool value) : value_(value ? "true" : "false") {}        // NOLINT(google-explicit-constructor)
  Param(const nlohmann::json& value) : value_(value.dump()) {}   // NOLINT(google-explicit-constructor)
  template <typename T>
  Param(const std::optional<T>& value) {  // NOLINT(google-explicit-constructor)
    if (value) value_ = Param(*value).value_;
  }

  const std::optional<std::string>& text() const noexcept { return value_; }

 private:
  std::optional<std::string> value_;
};

using Params = std::vector<Param>;

class Rows;

/// One row of a result, read by column index. Valid while its Rows lives.
class Row {
 public:
  bool isNull(int column) const noexcept;
  /// The text of the cell; empty for NULL.
  std::string_view text(int column) const noexcept;
  std::string string(int column) const { return std::string(text(column)); }
  std::optional<std::string> optionalString(int column) const;
  /// Throws std::invalid_argument when the cell is NULL or not an integer.
  std::int64_t int64(int column) const;
  std::optional<std::int64_t> optionalInt64(int column) const;
  double number(int column) const;
  bool boolean(int column) const;
  /// A json/jsonb cell parsed; NULL gives JSON null.
  nlohmann::json json(int column) const;

 private:
  friend class Rows;
  Row(const pg_result* result, int row) : result_(result), row_(row) {}
  const pg_result* result_;
  int row_;
};

/// A complete result. Owns the libpq result.
class Rows {
 public:
  explicit Rows(pg_result* result);
  int size() const noexcept;
  bool empty() const noexcept { return size() == 0; }
  Row operator[](int row) const { return {result_.get(), row}; }
  /// Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

  class Iterator {
   public:
    Iterator(const Rows* rows, int row) : rows_(rows), row_(row) {}
    Row operator*() const { return (*rows_)[row_]; }
    Iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return row_ != other.row_; }

   private:
    const Rows* rows_;
    int row_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  std::unique_ptr<pg_result, void (*)(pg_result*)> result_;
};

/// A transaction on one pooled connection. Rolls back on destruction unless commit() was called.
/// Not thread-safe: one thread uses it.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual Rows exec(std::string_view sql, const Params& params = {}) = 0;
  virtual void commit() = 0;
};

/// Thread-safe entry point. Statements are prepared once per connection and reused.
class Database {
 public:
  virtual ~Database() = default;
  /// One statement in its own transaction on the primary.
  virtual Rows exec(std::string_view sql, const Params& params = {}) = 0;
  /// A read-only statement; served by the read replica when DATABASE_READ_URL is set.
  virtual Rows read(std::string_view sql, const Params& params = {}) = 0;
  virtual std::unique_ptr<Transaction> begin() = 0;
};

/// A server error: the message and SQLSTATE. A bug in a statement surfaces as a 500.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, std::string sqlState, std::string constraint = {});
  const std::string& sqlState() const noexcept { return sqlState_; }
  /// For constraint violations: the constraint's name.
  const std::string& constraint() const noexcept { return constraint_; }
  bool isUniqueViolation() const noexcept { return sqlState_ == "23505"; }

 private:
  std::string sqlState_;
  std::string constraint_;
};

/// The database cannot be reached, or no connection was free within DATABASE_TIMEOUT: 503 + Retry-After.
/// The client sees a generic message; `logDetail()` has libpq's reason for the log.
class DatabaseUnavailable : public http::ServiceUnavailable {
 public:
  explicit DatabaseUnavailable(std::string detail);
};

}  // namespace monti::data
