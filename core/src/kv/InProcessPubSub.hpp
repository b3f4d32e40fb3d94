#pragma once
/// Pub/sub inside one process: the single-node stand-in for Redis.

#include "kv/KeyValue.hpp"
#include "kv/SubscriberRegistry.hpp"

#include <monti/obs/Logger.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace monti::kv {

/// Queues published messages and delivers them on one dedicated thread, never the publisher's, like the
/// Redis subscriber thread does. publish() returns false when `maxQueued` messages are waiting (the
/// subscribers cannot keep up). Messages still queued at destruction are dropped. Thread-safe.
class InProcessPubSub final : public PubSub {
 public:
  explicit InProcessPubSub(obs::Logger& logger, std::size_t maxQueued = 100000);
  InProcessPubSub(const InProcessPubSub&) = delete;
  InProcessPubSub& operator=(const InProcessPubSub&) = delete;
  ~InProcessPubSub() override;

  bool publish(std::string_view channel, std::string_view message) override;
  std::unique_ptr<Subscription> subscribe(std::string_view channel, Handler handler) override;

 private:
  void run();

  obs::Logger& logger_;
  const std::size_t maxQueued_;
  std::shared_ptr<SubscriberRegistry> registry_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::pair<std::string, std::string>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace monti::kv
