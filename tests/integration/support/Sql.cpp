#include "support/Sql.hpp"

#include <libpq-fe.h>

#include <stdexcept>

namespace monti::itest {

Sql::Sql(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    throw std::runtime_error("test database connection failed: " +
                             std::string(conn_ ? PQerrorMessage(conn_.get()) : "out of memory"));
  }
}

Sql::~Sql() = default;

std::vector<SqlRow> Sql::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p.c_str());
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(
      PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                   0),
      PQclear);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("test query failed: " + sql + ": " + PQerrorMessage(conn_.get()));
  }
  std::vector<SqlRow> rows;
  const int columns = PQnfields(result.get());
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    SqlRow row;
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c) != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(
            std::string(PQgetvalue(result.get(), r, c), static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Sql::scalar(const std::string& sql, const std::vector<std::string>& params) {
  const auto rows = query(sql, params);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("test query returned no row: " + sql);
  return rows[0][0].value_or("");
}

long long Sql::count(const std::string& sql, const std::vector<std::string>& params) {
  return std::stoll(scalar(sql, params));
}

bool Sql::tableExists(const std::string& name) {
  return !query("SELECT to_regclass($1)", {name}).at(0).at(0).value_or("").empty();
}

}  // namespace monti::itest
