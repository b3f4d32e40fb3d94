#pragma once
/// The PHC string format for PBKDF2-HMAC-SHA256 hashes: `$pbkdf2-sha256$i=<iterations>$<salt>$<hash>`,
/// salt and hash in unpadded standard base64.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// The parts of a stored PBKDF2-HMAC-SHA256 password hash.
struct Pbkdf2Phc {
  std::uint32_t iterations = 0;
  std::string salt;  ///< raw bytes
  std::string hash;  ///< raw bytes

  /// The PHC text of these parts.
  [[nodiscard]] std::string format() const;

  /// Parses `text`; nullopt for another algorithm, a malformed string or parameters outside sane bounds
  /// (iterations 1..100,000,000, salt 8..64 bytes, hash 32..64 bytes), so a tampered row cannot make a
  /// verify run for hours. Never throws on bad input.
  static std::optional<Pbkdf2Phc> parse(std::string_view text);
};

}  // namespace monti::auth::crypto
