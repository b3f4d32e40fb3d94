#pragma once
/// Who listens on which channel, shared by the Redis and in-process pub/sub.

#include "kv/KeyValue.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace monti::kv {

/// Handlers per channel. Owned through a shared_ptr so a Subscription may outlive its PubSub.
/// Once a Subscription's destructor has returned, its handler is not running and never runs again (except
/// when the destructor runs inside a handler on the delivering thread, which cannot wait for itself).
/// Thread-safe.
class SubscriberRegistry : public std::enable_shared_from_this<SubscriberRegistry> {
 public:
  /// Called after the first handler of a channel was added or its last one removed. Runs on the thread that
  /// subscribed or unsubscribed; must not call back into the registry.
  using ChangeListener = std::function<void()>;

  static std::shared_ptr<SubscriberRegistry> create() {
    return std::shared_ptr<SubscriberRegistry>(new SubscriberRegistry());
  }

  /// Registers `handler` for `channel` until the returned Subscription is destroyed.
  std::unique_ptr<PubSub::Subscription> add(std::string channel, PubSub::Handler handler);
  /// Runs every handler of `channel`, in subscription order. A handler that throws is skipped (the error is
  /// reported through `onError`). Call from one delivering thread.
  void dispatch(const std::string& channel, const std::string& message,
                const std::function<void(const std::string&)>& onError);
  /// The channels that have at least one handler.
  std::vector<std::string> channels() const;
  bool has(const std::string& channel) const;
  /// Counts changes of the channel set (a channel's first handler added or last removed): a subscriber
  /// connection only needs to resynchronise when it moved.
  std::uint64_t generation() const noexcept { return generation_.load(); }
  /// Replaces the change listener; an empty function removes it. Waits for a running listener to return.
  void setChangeListener(ChangeListener listener);

 private:
  SubscriberRegistry() = default;
  void remove(const std::string& channel, std::uint64_t id);
  void notifyChange();

  struct Entry {
    std::uint64_t id;
    std::shared_ptr<const PubSub::Handler> handler;
  };
  class Subscription;

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Entry>, std::less<>> handlers_;
  std::uint64_t nextId_ = 1;
  std::mutex dispatching_;  // held while handlers run, so remove() can wait for them to finish
  std::atomic<std::uint64_t> generation_{0};
  std::mutex listenerMutex_;
  ChangeListener listener_;
};

}  // namespace monti::kv
