#pragma once

#include "auth/RevocationList.hpp"
#include "kv/KeyValue.hpp"

#include <monti/data/Database.hpp>
#include <monti/obs/Logger.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace monti::auth {

/// Keeps this node's RevocationList current: logouts arrive on the bus at once, and a reload from
/// revoked_tokens every `period` heals anything the bus lost. Thread-safe; stop() joins its thread.
class RevocationSync {
 public:
  RevocationSync(RevocationList& list, data::Database& database, kv::PubSub& bus, obs::Logger& logger,
                 std::chrono::milliseconds period = std::chrono::seconds(30));
  ~RevocationSync();
  RevocationSync(const RevocationSync&) = delete;
  RevocationSync& operator=(const RevocationSync&) = delete;

  void start();
  void stop() noexcept;
  /// Replaces the list with the database's live revocations. Throws when the database is unreachable.
  void reload();

 private:
  RevocationList& list_;
  data::Database& database_;
  kv::PubSub& bus_;
  obs::Logger& logger_;
  std::chrono::milliseconds period_;
  std::unique_ptr<kv::PubSub::Subscription> subscription_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace monti::auth
