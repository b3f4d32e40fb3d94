#pragma once
/// Password hashing for plugins that create accounts (the agents plugin's POST /agents).

#include <string>
#include <string_view>

namespace monti::auth {

class Passwords {
 public:
  virtual ~Passwords() = default;
  /// A PHC string (PBKDF2-HMAC-SHA256 at the configured cost, fresh salt) for the users table's
  /// password_hash. Throws http::BadRequest naming `field` when the password breaks the core's rules
  /// (length). Costs tens to hundreds of milliseconds by design. Thread-safe.
  virtual std::string hash(std::string_view password, std::string_view field = "password") const = 0;
};

}  // namespace monti::auth
