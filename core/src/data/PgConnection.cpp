#include "data/PgConnection.hpp"

#include <libpq-fe.h>

namespace monti::data {
namespace {

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

PgResult checked(PGresult* raw, PGconn* conn) {
  PgResult result(raw);
  if (raw == nullptr) throw PgError("postgresql: " + trimmed(PQerrorMessage(conn)), "");
  const auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    throw PgError("postgresql: " + trimmed(PQresultErrorMessage(raw)), state != nullptr ? state : "");
  }
  return result;
}

}  // namespace

PgError::PgError(const std::string& message, std::string sqlState)
    : std::runtime_error(message), sqlState_(std::move(sqlState)) {}

PgResult::PgResult(pg_result* result) : result_(result, PQclear) {}
int PgResult::rows() const noexcept { return PQntuples(result_.get()); }
bool PgResult::isNull(int row, int column) const noexcept { return PQgetisnull(result_.get(), row, column) != 0; }
std::string_view PgResult::text(int row, int column) const noexcept {
  return {PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}
std::optional<std::string> PgResult::optional(int row, int column) const {
  if (isNull(row, column)) return std::nullopt;
  return std::string(text(row, column));
}
long PgResult::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n != nullptr && *n != '\0' ? std::stol(n) : 0;
}

PgConnection::PgConnection(const std::string& url, std::chrono::seconds connectTimeout) : conn_(nullptr, PQfinish) {
  const std::string timeout = std::to_string(connectTimeout.count());
  // NOTICEs (e.g. "relation already exists, skipping") would go to stderr; only warnings matter.
  const char* keywords[] = {"dbname", "connect_timeout", "application_name", "options", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "monti", "-c client_min_messages=warning", nullptr};
  conn_.reset(PQconnectdbParams(keywords, values, 1));
  if (!conn_) throw PgError("postgresql: out of memory", "");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    // libpq's message names host and user, never the password.
    throw PgError("postgresql: cannot connect: " + trimmed(PQerrorMessage(conn_.get())), "");
  }
}

PgResult PgConnection::exec(std::string_view sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p ? p->c_str() : nullptr);
  const std::string statement(sql);
  return checked(PQexecParams(conn_.get(), statement.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                              nullptr, nullptr, 0),
                 conn_.get());
}

void PgConnection::execScript(const std::string& sql) { checked(PQexec(conn_.get(), sql.c_str()), conn_.get()); }

PgTransaction::PgTransaction(PgConnection& connection) : connection_(connection) { connection_.exec("BEGIN"); }

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection is broken; the server rolls back the open transaction when it notices.
  }
}

void PgTransaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

}  // namespace monti::data
