#pragma once
/// Cluster primitives the core builds on: pub/sub between nodes, atomic counters, and locks.
/// Two implementations of each: Redis (several nodes) and in-process (one node, no Redis).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace monti::kv {

/// Messages between nodes. Delivery is at-most-once and in order per channel and publisher.
class PubSub {
 public:
  using Handler = std::function<void(const std::string& channel, const std::string& message)>;
  /// Ends the subscription on destruction.
  class Subscription {
   public:
    virtual ~Subscription() = default;
  };

  virtual ~PubSub() = default;
  /// Returns false when the message could not be handed to the broker (it is then lost).
  virtual bool publish(std::string_view channel, std::string_view message) = 0;
  /// `handler` runs on the subscriber thread; keep it short. Resubscribes by itself after a reconnect.
  virtual std::unique_ptr<Subscription> subscribe(std::string_view channel, Handler handler) = 0;
};

/// Atomic counters with expiry, e.g. for rate limits shared by every node.
class Counters {
 public:
  virtual ~Counters() = default;
  /// Adds `by` to `key` and returns the new value; a new key expires after `ttl`.
  /// Throws kv::Unavailable when the store cannot be reached.
  virtual std::int64_t increment(std::string_view key, std::int64_t by, std::chrono::milliseconds ttl) = 0;
};

/// Mutual exclusion across nodes, with expiry so a dead holder cannot block forever.
class Locks {
 public:
  virtual ~Locks() = default;
  /// A token when the lock was free (now held for `ttl`), nullopt when someone else holds it.
  /// Throws kv::Unavailable when the store cannot be reached.
  virtual std::optional<std::string> tryAcquire(std::string_view name, std::chrono::milliseconds ttl) = 0;
  /// Releases the lock only if `token` still holds it. Best effort: when the store cannot be reached it
  /// returns quietly and the lock expires at its ttl.
  virtual void release(std::string_view name, std::string_view token) = 0;
};

/// The store could not be reached.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace monti::kv
