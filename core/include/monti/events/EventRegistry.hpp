#pragma once
/// Events a plugin emits. Declared up front so hooks and docs can list them.

#include <string_view>

namespace monti::events {

class EventRegistry {
 public:
  virtual ~EventRegistry() = default;
  /// Declares an event name such as "agent.status_changed". Throws RegistrationError when the name is
  /// malformed or already declared by any plugin.
  virtual void declare(std::string_view name, std::string_view description) = 0;
};

}  // namespace monti::events
