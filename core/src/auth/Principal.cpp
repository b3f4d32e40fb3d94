#include <monti/auth/Principal.hpp>

#include <algorithm>

namespace monti::auth {

bool Principal::has(std::string_view permission) const {
  return std::any_of(permissions.begin(), permissions.end(),
                     [permission](const std::string& p) { return p == "*" || p == permission; });
}

bool Principal::isSelfOrAdmin(std::string_view userId) const { return id == userId || has("*"); }

}  // namespace monti::auth
