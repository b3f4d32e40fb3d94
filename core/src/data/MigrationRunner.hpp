#pragma once

#include "data/PgConnection.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace monti::data {

/// One migration file pair: NNNN_name.up.sql and NNNN_name.down.sql of one component.
struct Migration {
  std::string component;  ///< "core" or a plugin name
  int version = 0;        ///< NNNN
  std::string name;       ///< "0001_create_users"
  std::filesystem::path upFile;
  std::filesystem::path downFile;
  std::string checksum;  ///< SHA-256 of the up file, hex
};

/// A folder of migrations belonging to one component, applied in the given order.
struct MigrationSource {
  std::string component;
  std::filesystem::path dir;
};

/// One line of `monti migrate status`.
struct MigrationState {
  std::string component;
  std::string name;
  bool applied = false;
  std::string appliedAt;  ///< ISO 8601 when applied
  bool missingFile = false;
};

/// Applies and reverts schema migrations under a PostgreSQL advisory lock, so nodes starting together
/// migrate once. Each file runs in its own transaction together with its schema_migrations row, so a
/// failing file leaves nothing behind. A changed checksum of an applied file stops everything.
class MigrationRunner {
 public:
  using Log = std::function<void(const std::string&)>;

  MigrationRunner(PgConnection& connection, std::vector<MigrationSource> sources, Log log);

  /// Applies every pending migration; returns how many ran. Throws MigrationError.
  int up();
  /// Reverts the `count` most recently applied migrations; returns how many ran.
  int down(int count);
  std::vector<MigrationState> status();

 private:
  std::vector<Migration> discover() const;
  void ensureTable();
  void verifyChecksums(const std::vector<Migration>& migrations);

  PgConnection& connection_;
  std::vector<MigrationSource> sources_;
  Log log_;
};

/// A migration that is malformed, changed after it was applied, or failed; the message names the file.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads NNNN_name.up.sql / .down.sql pairs of one folder, sorted by number. Throws MigrationError for a
/// missing down file, a duplicate number or a file name that does not fit.
std::vector<Migration> readMigrationDir(const std::string& component, const std::filesystem::path& dir);

}  // namespace monti::data
