#pragma once
/// What the hook run on this thread is working on, for host functions (monti.log names the hook and event,
/// monti.emit and monti.kv act in the event's tenant).

#include <cstdint>
#include <string>

namespace monti::hooks {

struct RunContext {
  std::string hook;
  std::string eventId;
  std::string tenant;
  std::int64_t deliveryId = 0;  ///< 0 outside a durable delivery (`monti hooks test`)
  int attempt = 0;

  /// The run on this thread; nullptr outside a run.
  static const RunContext* current() noexcept;
};

/// Makes `context` the current run of this thread for its lifetime.
class RunScope {
 public:
  explicit RunScope(const RunContext& context) noexcept;
  ~RunScope();
  RunScope(const RunScope&) = delete;
  RunScope& operator=(const RunScope&) = delete;

 private:
  const RunContext* previous_;
};

}  // namespace monti::hooks
