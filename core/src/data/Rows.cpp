#include <monti/data/Database.hpp>

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>

namespace monti::data {

Param::Param(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  value_ = std::string(buffer, result.ptr);
}

Rows::Rows(pg_result* result) : result_(result, PQclear) {}
int Rows::size() const noexcept { return result_ ? PQntuples(result_.get()) : 0; }
std::int64_t Rows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n != nullptr && *n != '\0' ? std::stoll(n) : 0;
}

bool Row::isNull(int column) const noexcept { return PQgetisnull(result_, row_, column) != 0; }

std::string_view Row::text(int column) const noexcept {
  return {PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column))};
}

std::optional<std::string> Row::optionalString(int column) const {
  if (isNull(column)) return std::nullopt;
  return std::string(text(column));
}

std::int64_t Row::int64(int column) const {
  const auto cell = text(column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (isNull(column) || ec != std::errc{} || end != cell.data() + cell.size()) {
    throw std::invalid_argument("column " + std::to_string(column) + " is not an integer");
  }
  return value;
}

std::optional<std::int64_t> Row::optionalInt64(int column) const {
  if (isNull(column)) return std::nullopt;
  return int64(column);
}

double Row::number(int column) const {
  if (isNull(column)) throw std::invalid_argument("column " + std::to_string(column) + " is NULL");
  return std::stod(std::string(text(column)));
}

bool Row::boolean(int column) const { return text(column) == "t"; }

nlohmann::json Row::json(int column) const {
  if (isNull(column)) return nullptr;
  return nlohmann::json::parse(text(column));
}

DatabaseError::DatabaseError(const std::string& message, std::string sqlState, std::string constraint)
    : std::runtime_error(message), sqlState_(std::move(sqlState)), constraint_(std::move(constraint)) {}

DatabaseUnavailable::DatabaseUnavailable(std::string detail)
    : http::ServiceUnavailable("the database is unavailable; retry later", std::chrono::seconds{2},
                               "database_unavailable") {
  withLogDetail(std::move(detail));
}

}  // namespace monti::data
