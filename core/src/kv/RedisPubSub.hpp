#pragma once
/// Pub/sub between nodes over Redis.

#include "kv/KeyValue.hpp"
#include "kv/RedisConnectionPool.hpp"
#include "kv/SubscriberRegistry.hpp"
#include "kv/WakeupFd.hpp"

#include <monti/obs/Logger.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace monti::kv {

/// Publishes through the shared pool; receives on one dedicated subscriber connection served by its own
/// thread, which SUBSCRIBEs and UNSUBSCRIBEs as Subscriptions come and go and, after a lost connection,
/// reconnects with backoff (100 ms … 5 s) and resubscribes every live channel. Messages published while
/// the subscriber is disconnected are lost (at-most-once). Channels are namespaced under `prefix`.
/// Thread-safe; the destructor stops and joins the thread.
class RedisPubSub final : public PubSub {
 public:
  RedisPubSub(std::shared_ptr<RedisConnectionPool> pool, std::string prefix, obs::Logger& logger);
  RedisPubSub(const RedisPubSub&) = delete;
  RedisPubSub& operator=(const RedisPubSub&) = delete;
  ~RedisPubSub() override;

  bool publish(std::string_view channel, std::string_view message) override;
  /// Waits (up to the command timeout) until Redis confirmed the SUBSCRIBE, so a message published after
  /// this returns is delivered; returns at once while Redis is unreachable (it subscribes on reconnect).
  std::unique_ptr<Subscription> subscribe(std::string_view channel, Handler handler) override;

 private:
  enum class State { connecting, up, down };

  void run();
  void serve(redisContext& c);
  bool syncChannels(redisContext& c, std::set<std::string>& sent);
  void handleReply(const redisReply& reply);
  void setState(State state);
  void sleepFor(std::chrono::milliseconds delay);

  std::shared_ptr<RedisConnectionPool> pool_;
  const std::string prefix_;
  obs::Logger& logger_;
  std::shared_ptr<SubscriberRegistry> registry_;
  WakeupFd wakeup_;
  std::atomic<bool> stopping_{false};

  std::mutex stateMutex_;
  std::condition_variable stateChanged_;
  State state_ = State::connecting;
  std::set<std::string, std::less<>> confirmed_;  // channels Redis acknowledged on the current connection

  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace monti::kv
