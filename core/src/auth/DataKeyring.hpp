#pragma once

#include "auth/crypto/FieldCipher.hpp"

#include <monti/security/FieldEncryption.hpp>

#include <memory>
#include <string>

namespace monti::auth {

/// FieldEncryption over the keyring of MONTI_DATA_KEY: "k2:<base64 of 32 bytes>,k1:<…>" — the first key
/// encrypts new values, every listed key decrypts.
class DataKeyring final : public security::FieldEncryption {
 public:
  /// Throws config::ConfigError naming data.key for a malformed keyring (never echoing key material).
  explicit DataKeyring(const std::string& keyring);

  std::string encrypt(std::string_view plaintext, std::string_view associatedData) const override;
  std::optional<std::string> decrypt(std::string_view stored, std::string_view associatedData) const override;

 private:
  std::unique_ptr<crypto::FieldCipher> cipher_;
};

}  // namespace monti::auth
