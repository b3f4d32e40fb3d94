#pragma once
/// Events a plugin emits and consumes. Declared up front so hooks and docs can list them.

#include <monti/events/Event.hpp>

#include <functional>
#include <string_view>

namespace monti::data {
class Transaction;
}

namespace monti::events {

/// Where an event belongs: tenant isolation and per-aggregate ordering.
struct EmitOptions {
  std::string_view tenant;     ///< the tenant the event belongs to ("" for none)
  std::string_view aggregate;  ///< e.g. "agent:42"
};

/// Runs on the event dispatcher thread, once per committed event, in commit order. An exception is
/// logged and the next event is delivered: it never blocks the stream.
using Subscriber = std::function<void(const Event& event)>;

class EventRegistry {
 public:
  virtual ~EventRegistry() = default;
  /// Declares an event name such as "agent.status_changed" (registration only). Throws RegistrationError
  /// when the name is malformed or already declared by any plugin.
  virtual void declare(std::string_view name, std::string_view description) = 0;
  /// Subscribes to committed events matching `pattern` ("agent.status_changed", "agent.*", "*")
  /// on every node (registration only).
  virtual void subscribe(std::string_view pattern, Subscriber subscriber) = 0;
  /// Writes the event into the outbox inside `tx` (any time after start). It is delivered only if `tx`
  /// commits, and then at least once. Returns the event id. Throws std::invalid_argument for an
  /// undeclared name. Thread-safe.
  virtual std::string emit(data::Transaction& tx, std::string_view name, const nlohmann::json& payload,
                           const EmitOptions& options = {}) = 0;
};

}  // namespace monti::events
