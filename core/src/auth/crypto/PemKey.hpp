#pragma once
/// Reading and writing PEM-encoded asymmetric keys.

#include "auth/crypto/OpenSsl.hpp"

#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// Parses an unencrypted private key PEM (PKCS#8 `PRIVATE KEY`, or `RSA`/`EC PRIVATE KEY`). Throws
/// std::invalid_argument when it cannot; the message never contains key material. Never prompts for a
/// passphrase. Thread-safe.
PkeyPtr loadPrivateKeyPem(std::string_view pem);

/// Parses a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM. Throws std::invalid_argument when it cannot.
PkeyPtr loadPublicKeyPem(std::string_view pem);

/// `key`'s private half as unencrypted PKCS#8 PEM. Throws std::runtime_error on failure.
std::string privateKeyToPem(EVP_PKEY* key);

/// `key`'s public half as SubjectPublicKeyInfo PEM. Throws std::runtime_error on failure.
std::string publicKeyToPem(EVP_PKEY* key);

}  // namespace monti::auth::crypto
