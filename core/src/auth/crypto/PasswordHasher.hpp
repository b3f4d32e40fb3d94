#pragma once
/// Password hashing for accounts: PBKDF2-HMAC-SHA256 stored as a PHC string.

#include <cstdint>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// Hashes and verifies passwords with PBKDF2-HMAC-SHA256 (16-byte random salt, 32-byte hash) through
/// OpenSSL, stored as `$pbkdf2-sha256$i=<iterations>$<salt b64>$<hash b64>`. Immutable after
/// construction; every member is safe to call concurrently.
class PasswordHasher {
 public:
  /// OWASP's current recommendation for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet).
  static constexpr std::uint32_t kOwaspIterations = 600'000;

  /// `iterations` is the cost of new hashes; throws std::invalid_argument outside 1..100,000,000.
  /// Production uses the default; tests pass a small count to stay fast.
  explicit PasswordHasher(std::uint32_t iterations = kOwaspIterations);

  /// A fresh PHC string for `password` with a new random salt.
  [[nodiscard]] std::string hash(std::string_view password) const;

  /// True when `password` matches `phc`. Recomputes with the stored parameters and compares in constant
  /// time. A malformed string or another algorithm gives false; never throws.
  [[nodiscard]] bool verify(std::string_view password, std::string_view phc) const noexcept;

  /// True when `phc` was made with fewer iterations than this hasher uses (or cannot be parsed): hash the
  /// password again after a successful login.
  [[nodiscard]] bool needsRehash(std::string_view phc) const noexcept;

  /// Spends the time of a verify at this hasher's cost and discards the result: call it for an unknown
  /// user so that "no such user" and "wrong password" take the same time.
  void dummyVerify(std::string_view password) const noexcept;

  /// The iteration count of new hashes.
  [[nodiscard]] std::uint32_t iterations() const noexcept { return iterations_; }

 private:
  std::uint32_t iterations_;
};

}  // namespace monti::auth::crypto
