#include "auth/RevocationSync.hpp"

#include "auth/AuthService.hpp"

namespace monti::auth {

RevocationSync::RevocationSync(RevocationList& list, data::Database& database, kv::PubSub& bus, obs::Logger& logger,
                               std::chrono::milliseconds period)
    : list_(list), database_(database), bus_(bus), logger_(logger), period_(period) {}

RevocationSync::~RevocationSync() { stop(); }

void RevocationSync::reload() {
  auto rows = database_.read(
      "SELECT jti, extract(epoch FROM expires_at)::bigint FROM revoked_tokens "
      "WHERE expires_at > now()");
  std::vector<std::pair<std::string, RevocationList::Clock::time_point>> entries;
  for (const auto row : rows) {
    entries.emplace_back(row.string(0), RevocationList::Clock::time_point(std::chrono::seconds(row.int64(1))));
  }
  list_.replace(entries);
}

void RevocationSync::start() {
  subscription_ = bus_.subscribe(AuthService::kRevokedChannel, [this](const std::string&, const std::string& message) {
    try {
      const auto json = nlohmann::json::parse(message);
      list_.add(json.at("jti").get<std::string>(),
                RevocationList::Clock::time_point(std::chrono::seconds(json.at("exp").get<std::int64_t>())));
    } catch (const nlohmann::json::exception& e) {
      logger_.warn("malformed revocation message", {{"error", e.what()}});
    }
  });
  try {
    reload();
  } catch (const std::exception& e) {
    logger_.warn("revocations not loaded yet", {{"error", e.what()}});
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      try {
        reload();
        list_.prune(RevocationList::Clock::now());
      } catch (const std::exception& e) {
        logger_.warn("revocations not reloaded", {{"error", e.what()}});
      }
      lock.lock();
    }
  });
}

void RevocationSync::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  subscription_.reset();
}

}  // namespace monti::auth
