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

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value != nullptr ? value : "";
}

// The `options` the URL itself carries (e.g. ?options=-csearch_path%3Dtenant_a), or "".
std::string urlOptions(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> parsed(PQconninfoParse(url.c_str(), &error),
                                                                        PQconninfoFree);
  if (error != nullptr) PQfreemem(error);  // an invalid URL fails below, in PQconnectdbParams, with its reason
  for (auto* o = parsed.get(); o != nullptr && o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "options" && o->val != nullptr) return o->val;
  }
  return {};
}

// SQLSTATE class 08 (connection exception) and 57P0x (server shutting down) mean the connection is gone.
bool connectionLost(const std::string& sqlState) {
  return sqlState.rfind("08", 0) == 0 || sqlState.rfind("57P0", 0) == 0;
}

}  // namespace

PgConnection::PgConnection(const std::string& url, const ConnectionOptions& options) : conn_(nullptr, PQfinish) {
  const std::string timeout = std::to_string(options.connectTimeout.count());
  // NOTICEs (e.g. "relation already exists, skipping") would go to stderr; only warnings matter. Our
  // settings are appended to any `options` the URL has: a later keyword would replace the URL's.
  std::string serverOptions = urlOptions(url);
  if (!serverOptions.empty()) serverOptions += ' ';
  serverOptions += "-c client_min_messages=warning";
  if (options.statementTimeout.count() > 0) {
    serverOptions += " -c statement_timeout=" + std::to_string(options.statementTimeout.count());
  }
  // fallback_application_name: an application_name in the URL wins.
  const char* keywords[] = {"dbname", "connect_timeout", "fallback_application_name", "options", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "monti", serverOptions.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keywords, values, 1));
  if (!conn_) throw DatabaseUnavailable("postgresql: out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw DatabaseUnavailable("postgresql: cannot connect: " + trimmed(PQerrorMessage(conn_.get())));
  }
  // libpq prints notices (and the FATAL of a terminated session) to stderr by default; errors reach us
  // through results, and stderr is not our log.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

Rows PgConnection::checked(pg_result* raw) {
  Rows rows(raw);
  if (raw == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
    throw DatabaseUnavailable("postgresql: connection lost: " + trimmed(PQerrorMessage(conn_.get())));
  }
  const auto status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  const std::string state = field(raw, PG_DIAG_SQLSTATE);
  if (connectionLost(state)) throw DatabaseUnavailable("postgresql: " + trimmed(PQresultErrorMessage(raw)));
  throw DatabaseError("postgresql: " + trimmed(PQresultErrorMessage(raw)), state, field(raw, PG_DIAG_CONSTRAINT_NAME));
}

Rows PgConnection::exec(std::string_view sql, const Params& params) {
  std::string text(sql);
  auto it = prepared_.find(text);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    checked(PQprepare(conn_.get(), name.c_str(), text.c_str(), static_cast<int>(params.size()), nullptr));
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params)
    values.push_back(p.text() ? p.text()->c_str() : nullptr);
  return checked(PQexecPrepared(conn_.get(), it->second.c_str(), static_cast<int>(values.size()), values.data(),
                                nullptr, nullptr, 0));
}

void PgConnection::execScript(const std::string& sql) { checked(PQexec(conn_.get(), sql.c_str())); }

bool PgConnection::healthy() const noexcept {
  return PQstatus(conn_.get()) == CONNECTION_OK && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
}

int PgConnection::socket() const noexcept { return PQsocket(conn_.get()); }

std::vector<std::pair<std::string, std::string>> PgConnection::drainNotifications() {
  if (PQconsumeInput(conn_.get()) == 0) {
    throw DatabaseUnavailable("postgresql: connection lost: " + trimmed(PQerrorMessage(conn_.get())));
  }
  std::vector<std::pair<std::string, std::string>> received;
  while (PGnotify* n = PQnotifies(conn_.get())) {
    received.emplace_back(n->relname, n->extra);
    PQfreemem(n);
  }
  return received;
}

PgTransaction::PgTransaction(PgConnection& connection) : connection_(connection) { connection_.exec("BEGIN"); }

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const std::exception&) {
    // The connection is broken; the server rolls back the open transaction when it notices.
  }
}

void PgTransaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

}  // namespace monti::data
