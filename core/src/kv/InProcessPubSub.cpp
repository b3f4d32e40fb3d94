#include "kv/InProcessPubSub.hpp"

namespace monti::kv {

InProcessPubSub::InProcessPubSub(obs::Logger& logger, std::size_t maxQueued)
    : logger_(logger), maxQueued_(maxQueued), registry_(SubscriberRegistry::create()) {
  thread_ = std::thread([this] { run(); });
}

InProcessPubSub::~InProcessPubSub() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  thread_.join();
}

bool InProcessPubSub::publish(std::string_view channel, std::string_view message) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= maxQueued_) return false;
    queue_.emplace_back(channel, message);
  }
  queued_.notify_one();
  return true;
}

std::unique_ptr<PubSub::Subscription> InProcessPubSub::subscribe(std::string_view channel, Handler handler) {
  return registry_->add(std::string(channel), std::move(handler));
}

void InProcessPubSub::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    // Plain variables, not a structured binding: clang-tidy 14 cannot parse lambdas capturing those.
    const std::string channel = std::move(queue_.front().first);
    const std::string message = std::move(queue_.front().second);
    queue_.pop_front();
    lock.unlock();
    registry_->dispatch(channel, message, [&](const std::string& error) {
      logger_.error("pub/sub handler threw", {{"channel", channel}, {"error", error}});
    });
    lock.lock();
  }
}

}  // namespace monti::kv
