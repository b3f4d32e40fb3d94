#pragma once

#include "support/TempFile.hpp"

#include <string>
#include <vector>

namespace monti::itest {

/// A PostgreSQL 15 cluster of one test's own, in a temp folder, that the test may stop and start (the shared one
/// of scripts/test must never go down). As root it runs as the system user `monti` (PostgreSQL refuses root),
/// which scripts/lib/services.sh creates. TCP on 127.0.0.1 with a password; the data is thrown away.
class PrivatePostgres {
 public:
  PrivatePostgres();
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;
  PrivatePostgres(PrivatePostgres&&) = delete;
  PrivatePostgres& operator=(PrivatePostgres&&) = delete;

  /// Why no private cluster can run here (no initdb, root without the `monti` user), or "" when it can.
  static std::string unavailableReason();

  void start();
  /// pg_ctl stop --mode=fast: clients are disconnected at once.
  void stop();
  /// postgresql://…@127.0.0.1:port/postgres as the cluster's superuser.
  const std::string& url() const noexcept { return url_; }
  /// The server log, for failure messages.
  std::string log() const;

 private:
  void run(std::vector<std::string> args) const;

  TempDir dir_{"monti-itest-pg"};
  int port_ = 0;
  std::string url_;
  bool running_ = false;
};

}  // namespace monti::itest
