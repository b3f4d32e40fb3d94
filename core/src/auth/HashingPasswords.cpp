#include "auth/HashingPasswords.hpp"

#include "auth/AuthService.hpp"

namespace monti::auth {

std::string HashingPasswords::hash(std::string_view password, std::string_view field) const {
  requireAcceptablePassword(std::string(password), std::string(field));
  return hasher_.hash(password);
}

}  // namespace monti::auth
