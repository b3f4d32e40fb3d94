#pragma once
/// Request bodies of the agents API, validated by seed 001 §6.1: one 400 detail per bad field.

#include <monti/http/Errors.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace monti::agents {

/// The changeable fields; each present one was valid.
struct AgentChanges {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> fullName;
  std::optional<std::string> role;
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<std::optional<std::string>> phone;   ///< set to null clears it
  std::optional<std::optional<std::string>> avatar;  ///< set to null clears it
  std::optional<bool> isActive;

  bool empty() const noexcept;
  /// Only fullName, phone and avatar (what `update:self` allows a cs agent to change).
  bool onlySelfEditable() const noexcept;
};

struct NewAgent {
  std::string username;
  std::string email;
  std::string fullName;
  std::string role;
  std::string department;
  std::string password;
  std::string location;
  std::optional<std::string> phone;
  std::optional<std::string> avatar;
};

/// POST /agents. Throws http::BadRequest listing every invalid field (the password's strength is checked
/// here; its hashing cost is the core's).
NewAgent parseNewAgent(const nlohmann::json& body);
/// PUT /agents/:id and the `updates` of PUT /agents/bulk. Unknown fields are refused, so a typo is not a
/// silent no-op. Throws http::BadRequest.
AgentChanges parseChanges(const nlohmann::json& body, std::string_view prefix = {});

}  // namespace monti::agents
