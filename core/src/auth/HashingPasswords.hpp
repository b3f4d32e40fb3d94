#pragma once

#include "auth/crypto/PasswordHasher.hpp"

#include <monti/auth/Passwords.hpp>

namespace monti::auth {

/// What plugins get as Context::passwords(): the core's password rules and hasher.
class HashingPasswords final : public Passwords {
 public:
  explicit HashingPasswords(const crypto::PasswordHasher& hasher) : hasher_(hasher) {}
  std::string hash(std::string_view password, std::string_view field) const override;

 private:
  const crypto::PasswordHasher& hasher_;
};

}  // namespace monti::auth
