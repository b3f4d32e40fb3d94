#include "auth/Roles.hpp"

namespace monti::auth {

const std::vector<std::string>& permissionsFor(std::string_view role) {
  static const std::vector<std::string> kAdmin{"*"};
  static const std::vector<std::string> kCs{"read:agents", "update:self", "read:performance", "update:status"};
  static const std::vector<std::string> kViewer{"read:agents", "read:performance"};
  static const std::vector<std::string> kNone{};
  if (role == "admin") return kAdmin;
  if (role == "cs") return kCs;
  if (role == "viewer") return kViewer;
  return kNone;
}

bool isKnownRole(std::string_view role) { return role == "admin" || role == "cs" || role == "viewer"; }

}  // namespace monti::auth
