#pragma once
/// Encryption at rest for sensitive columns (phone numbers, webhook URLs, API secrets).

#include "auth/crypto/Result.hpp"

#include <map>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// Why a stored value could not be decrypted. Never answered with garbage plaintext.
enum class DecryptError {
  kMalformed,   ///< not `v1:<keyId>:<base64url>` or too short to hold nonce and tag
  kUnknownKey,  ///< no key with that id in the keyring
  kTampered,    ///< the tag does not match: wrong key, changed text or other associated data
};

/// "malformed", "unknown_key" or "tampered".
std::string_view toString(DecryptError error) noexcept;

/// AES-256-GCM with a keyring: encrypts under the current key into
/// `v1:<keyId>:<base64url(12-byte nonce || ciphertext || 16-byte tag)>` and decrypts with whichever key the
/// value names, so values written before a rotation still decrypt. The associated data (e.g.
/// "agents.phone") and the key id are bound into the tag, so a value copied to another column fails.
/// Immutable; safe to call concurrently (a cipher context per call).
class FieldCipher {
 public:
  /// `keys` maps key id → 32-byte key; `currentKeyId` encrypts new values. Ids are 1..32 characters of
  /// [A-Za-z0-9_-]. Throws std::invalid_argument (naming the id, never the key) otherwise.
  FieldCipher(const std::map<std::string, std::string>& keys, std::string currentKeyId);

  /// `plaintext` encrypted under the current key with a fresh random nonce. Throws std::runtime_error if
  /// OpenSSL fails.
  [[nodiscard]] std::string encrypt(std::string_view plaintext, std::string_view associatedData) const;

  /// The plaintext of `stored`, or why there is none. Never throws on bad input.
  [[nodiscard]] Result<std::string, DecryptError> decrypt(std::string_view stored,
                                                          std::string_view associatedData) const noexcept;

  /// The id new values are encrypted under.
  [[nodiscard]] const std::string& currentKeyId() const noexcept { return currentKeyId_; }

 private:
  std::map<std::string, std::string, std::less<>> keys_;
  std::string currentKeyId_;
};

}  // namespace monti::auth::crypto
