#pragma once
/// Backends for the interface suites: every kv and cache test runs against the in-process implementation
/// and, when MONTI_TEST_REDIS_URL is set, against that Redis (skipped otherwise).

#include "cache/InProcessCache.hpp"
#include "cache/RedisCache.hpp"
#include "kv/InProcessCounters.hpp"
#include "kv/InProcessLocks.hpp"
#include "kv/InProcessPubSub.hpp"
#include "kv/RedisConnectionPool.hpp"
#include "kv/RedisCounters.hpp"
#include "kv/RedisLocks.hpp"
#include "kv/RedisPubSub.hpp"
#include "obs/PrometheusRegistry.hpp"

#include <monti/obs/Logger.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace monti::kvtest {

using namespace std::chrono_literals;

/// Swallows log lines; counts warnings so a test can check "logged once per outage".
class CountingLogger final : public obs::Logger {
 public:
  bool enabled(obs::LogLevel) const noexcept override { return true; }
  void log(obs::LogLevel level, std::string_view, const nlohmann::json&) override {
    if (level == obs::LogLevel::warn) ++warnings;
  }
  std::atomic<int> warnings{0};
};

inline std::optional<std::string> testRedisUrl() {
  const char* url = std::getenv("MONTI_TEST_REDIS_URL");  // NOLINT(concurrency-mt-unsafe): read before threads
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

/// A name no other test (in this process or a parallel one) uses: keys, channels and client names.
inline std::string uniqueName() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

/// The services of one backend, built for one test.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<kv::PubSub> pubsub() = 0;
  virtual std::unique_ptr<kv::Counters> counters() = 0;
  virtual std::unique_ptr<kv::Locks> locks() = 0;
  virtual std::unique_ptr<cache::Cache> cache() = 0;
  obs::PrometheusRegistry metrics;
  CountingLogger logger;
};

class InProcessBackend final : public Backend {
 public:
  std::unique_ptr<kv::PubSub> pubsub() override { return std::make_unique<kv::InProcessPubSub>(logger); }
  std::unique_ptr<kv::Counters> counters() override { return std::make_unique<kv::InProcessCounters>(); }
  std::unique_ptr<kv::Locks> locks() override { return std::make_unique<kv::InProcessLocks>(); }
  std::unique_ptr<cache::Cache> cache() override { return std::make_unique<cache::InProcessCache>(1000, metrics); }
};

class RedisBackend final : public Backend {
 public:
  explicit RedisBackend(const std::string& url) : name_(uniqueName()) {
    kv::RedisSettings settings = kv::RedisSettings::fromUrl(url, "");
    settings.timeout = 1000ms;
    settings.clientName = "monti-test-" + name_;
    pool_ = std::make_shared<kv::RedisConnectionPool>(settings, 4, logger);
  }
  std::unique_ptr<kv::PubSub> pubsub() override { return std::make_unique<kv::RedisPubSub>(pool_, prefix(), logger); }
  std::unique_ptr<kv::Counters> counters() override { return std::make_unique<kv::RedisCounters>(pool_, prefix()); }
  std::unique_ptr<kv::Locks> locks() override { return std::make_unique<kv::RedisLocks>(pool_, prefix()); }
  std::unique_ptr<cache::Cache> cache() override {
    return std::make_unique<cache::RedisCache>(pool_, prefix(), metrics, logger);
  }
  const kv::RedisSettings& settings() const { return pool_->settings(); }
  const std::shared_ptr<kv::RedisConnectionPool>& pool() const { return pool_; }
  std::string prefix() const { return "monti-test:" + name_ + ":"; }

 private:
  std::string name_;
  std::shared_ptr<kv::RedisConnectionPool> pool_;
};

/// "memory" or "redis"; Redis needs MONTI_TEST_REDIS_URL.
inline std::unique_ptr<Backend> makeBackend(const std::string& kind) {
  if (kind == "memory") return std::make_unique<InProcessBackend>();
  if (auto url = testRedisUrl()) return std::make_unique<RedisBackend>(*url);
  return nullptr;
}

/// Value-parameterised fixture: GetParam() names the backend; the Redis one skips without a server.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = makeBackend(GetParam());
    if (!backend_) GTEST_SKIP() << "MONTI_TEST_REDIS_URL is not set";
  }
  Backend& backend() { return *backend_; }

 private:
  std::unique_ptr<Backend> backend_;
};

inline std::string backendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

/// Polls `condition` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

/// Messages a handler received, for waiting on from the test thread.
class Inbox {
 public:
  kv::PubSub::Handler handler() {
    return [this](const std::string& channel, const std::string& message) {
      {
        const std::lock_guard lock(mutex_);
        received_.emplace_back(channel, message);
        threads_.push_back(std::this_thread::get_id());
      }
      changed_.notify_all();
    };
  }
  /// Waits until at least `n` messages arrived.
  bool waitFor(std::size_t n, std::chrono::milliseconds timeout = 5000ms) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
  }
  std::vector<std::pair<std::string, std::string>> messages() const {
    const std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::thread::id> threads() const {
    const std::lock_guard lock(mutex_);
    return threads_;
  }
  bool contains(const std::string& message) const {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : received_) {
      if (entry.second == message) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::string, std::string>> received_;
  std::vector<std::thread::id> threads_;
};

/// Closes, from Redis' side, every connection whose client name is `name` (CLIENT KILL ID), as a Redis
/// restart or a network cut would, without disturbing other tests sharing the server. Returns how many.
inline int killRedisClients(const kv::RedisSettings& settings, const std::string& name) {
  kv::RedisSettings admin = settings;
  admin.clientName = "monti-test-admin";
  const kv::RedisContextPtr c = kv::connectRedis(admin);
  const kv::RedisReplyPtr list = kv::runCommand(*c, {"CLIENT", "LIST"});
  int killed = 0;
  const std::string text = kv::replyText(*list);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find(" name=" + name + " ") == std::string::npos) continue;
    const auto idStart = line.find("id=") + 3;
    const std::string id = line.substr(idStart, line.find(' ', idStart) - idStart);
    const kv::RedisReplyPtr reply = kv::runCommand(*c, {"CLIENT", "KILL", "ID", id});
    if (reply && reply->type == REDIS_REPLY_INTEGER) killed += static_cast<int>(reply->integer);
  }
  return killed;
}

}  // namespace monti::kvtest
