#pragma once
/// Encryption of sensitive columns (phone numbers, webhook URLs, API secrets) at rest.

#include <optional>
#include <string>
#include <string_view>

namespace monti::security {

/// AES-256-GCM with the keyring from MONTI_DATA_KEY. Each value records the id of the key that encrypted
/// it, so values written before a key rotation still decrypt. Thread-safe.
class FieldEncryption {
 public:
  virtual ~FieldEncryption() = default;
  /// `associatedData` binds the value to where it lives (e.g. "agents.phone"): a value copied to another
  /// column does not decrypt. Returns text such as "v1:k1:…", safe to store in a text column.
  virtual std::string encrypt(std::string_view plaintext, std::string_view associatedData) const = 0;
  /// nullopt when the value was tampered with, encrypted for another column, or under an unknown key.
  virtual std::optional<std::string> decrypt(std::string_view stored, std::string_view associatedData) const = 0;
};

}  // namespace monti::security
