#include "data/MigrationRunner.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace monti::data {
namespace {

// Any constant shared by all nodes; pg_advisory_lock takes a bigint.
constexpr const char* kLockKey = "4242000001";

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw MigrationError("migration " + file.string() + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string sha256(const std::string& text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// Holds the migration lock for the life of the object.
class MigrationLock {
 public:
  explicit MigrationLock(PgConnection& connection) : connection_(connection) {
    connection_.exec("SELECT pg_advisory_lock($1::bigint)", {kLockKey});
  }
  ~MigrationLock() {
    try {
      connection_.exec("SELECT pg_advisory_unlock($1::bigint)", {kLockKey});
    } catch (const std::exception&) {
      // The lock is released when the session ends anyway.
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  PgConnection& connection_;
};

}  // namespace

std::vector<Migration> readMigrationDir(const std::string& component, const std::filesystem::path& dir) {
  static const std::regex pattern(R"((\d{4})_([a-z0-9_]+)\.(up|down)\.sql)");
  std::map<int, Migration> byVersion;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;  // e.g. a README beside the files
    std::smatch m;
    if (!std::regex_match(file, m, pattern)) {
      throw MigrationError("migration " + entry.path().string() +
                           ": file name must look like 0001_create_table.up.sql or .down.sql");
    }
    const int version = std::stoi(m[1].str());
    const std::string name = m[1].str() + "_" + m[2].str();
    auto& migration = byVersion[version];
    if (!migration.name.empty() && migration.name != name) {
      throw MigrationError("migration " + entry.path().string() + ": number " + m[1].str() + " is also used by " +
                           migration.name);
    }
    migration.component = component;
    migration.version = version;
    migration.name = name;
    (m[3] == "up" ? migration.upFile : migration.downFile) = entry.path();
  }
  if (ec) throw MigrationError("migrations of " + component + ": cannot read folder " + dir.string());
  std::vector<Migration> migrations;
  for (auto& [version, migration] : byVersion) {
    if (migration.upFile.empty() || migration.downFile.empty()) {
      throw MigrationError("migration " + (dir / migration.name).string() +
                           ": needs both an .up.sql and a .down.sql file");
    }
    migration.checksum = sha256(readFile(migration.upFile));
    migrations.push_back(std::move(migration));
  }
  return migrations;
}

MigrationRunner::MigrationRunner(PgConnection& connection, std::vector<MigrationSource> sources, Log log)
    : connection_(connection), sources_(std::move(sources)), log_(std::move(log)) {}

std::vector<Migration> MigrationRunner::discover() const {
  std::vector<Migration> all;
  for (const auto& source : sources_) {
    auto migrations = readMigrationDir(source.component, source.dir);
    all.insert(all.end(), std::make_move_iterator(migrations.begin()), std::make_move_iterator(migrations.end()));
  }
  return all;
}

void MigrationRunner::ensureTable() {
  connection_.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " seq bigserial NOT NULL, component text NOT NULL, name text NOT NULL, checksum text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, name))");
}

void MigrationRunner::verifyChecksums(const std::vector<Migration>& migrations) {
  auto applied = connection_.exec("SELECT component, name, checksum FROM schema_migrations");
  for (const auto row : applied) {
    auto it = std::find_if(migrations.begin(), migrations.end(),
                           [&row](const Migration& m) { return m.component == row.text(0) && m.name == row.text(1); });
    if (it != migrations.end() && it->checksum != row.text(2)) {
      throw MigrationError("migration " + it->upFile.string() +
                           " was changed after it was applied (checksum differs); add a new migration instead");
    }
  }
}

int MigrationRunner::up() {
  const auto migrations = discover();
  MigrationLock lock(connection_);
  ensureTable();
  verifyChecksums(migrations);
  int ran = 0;
  for (const auto& m : migrations) {
    if (connection_.exec("SELECT 1 FROM schema_migrations WHERE component = $1 AND name = $2", {m.component, m.name})
            .size() > 0) {
      continue;
    }
    PgTransaction tx(connection_);
    try {
      connection_.execScript(readFile(m.upFile));
    } catch (const DatabaseError& e) {
      throw MigrationError("migration " + m.upFile.string() + " failed and was rolled back: " + e.what());
    }
    connection_.exec("INSERT INTO schema_migrations (component, name, checksum) VALUES ($1, $2, $3)",
                     {m.component, m.name, m.checksum});
    tx.commit();
    log_("applied " + m.component + "/" + m.name);
    ++ran;
  }
  return ran;
}

int MigrationRunner::down(int count) {
  const auto migrations = discover();
  MigrationLock lock(connection_);
  ensureTable();
  auto applied = connection_.exec("SELECT component, name FROM schema_migrations ORDER BY seq DESC LIMIT $1",
                                  {std::to_string(count)});
  int ran = 0;
  for (const auto row : applied) {
    const std::string component = row.string(0);
    const std::string name = row.string(1);
    auto it = std::find_if(migrations.begin(), migrations.end(),
                           [&](const Migration& m) { return m.component == component && m.name == name; });
    if (it == migrations.end()) {
      throw MigrationError("migration " + component + "/" + name +
                           " is applied but its files are not installed (is the plugin enabled?)");
    }
    PgTransaction tx(connection_);
    try {
      connection_.execScript(readFile(it->downFile));
    } catch (const DatabaseError& e) {
      throw MigrationError("migration " + it->downFile.string() + " failed and was rolled back: " + e.what());
    }
    connection_.exec("DELETE FROM schema_migrations WHERE component = $1 AND name = $2", {component, name});
    tx.commit();
    log_("reverted " + component + "/" + name);
    ++ran;
  }
  return ran;
}

std::vector<MigrationState> MigrationRunner::status() {
  const auto migrations = discover();
  ensureTable();
  auto applied = connection_.exec(
      "SELECT component, name, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM schema_migrations");
  std::map<std::pair<std::string, std::string>, std::string> appliedAt;
  for (const auto row : applied)
    appliedAt[{row.string(0), row.string(1)}] = row.string(2);
  std::vector<MigrationState> states;
  for (const auto& m : migrations) {
    auto it = appliedAt.find({m.component, m.name});
    states.push_back(
        MigrationState{m.component, m.name, it != appliedAt.end(), it != appliedAt.end() ? it->second : "", false});
    if (it != appliedAt.end()) appliedAt.erase(it);
  }
  for (const auto& [key, at] : appliedAt)
    states.push_back(MigrationState{key.first, key.second, true, at, true});
  return states;
}

}  // namespace monti::data
