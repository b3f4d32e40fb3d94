#pragma once
/// Lua modules a plugin offers to hook scripts (e.g. `reports.save_draft`).

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace monti::hooks {

/// A host function: the Lua arguments arrive as a JSON array, the result goes back as one Lua value.
/// Throwing std::exception raises a Lua error with its message. Called from hook worker threads.
using LuaFunction = std::function<nlohmann::json(const nlohmann::json& args)>;

class LuaModuleRegistry {
 public:
  virtual ~LuaModuleRegistry() = default;
  /// Declares module `name` (a Lua identifier) with its functions. Throws RegistrationError when the name
  /// is taken, malformed or has no functions.
  virtual void module(std::string_view name, std::vector<std::pair<std::string, LuaFunction>> functions) = 0;
};

}  // namespace monti::hooks
