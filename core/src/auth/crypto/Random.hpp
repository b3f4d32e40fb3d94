#pragma once
/// Cryptographically secure random bytes and opaque tokens (refresh tokens, API keys).

#include <cstddef>
#include <string>

namespace monti::auth::crypto {

/// `count` bytes from OpenSSL's CSPRNG (RAND_bytes). Throws std::runtime_error if the generator fails.
/// Thread-safe.
std::string randomBytes(std::size_t count);

/// 32 random bytes as unpadded base64url (43 characters): a refresh token or API key secret. Store only
/// its sha256Hex. Thread-safe.
std::string randomToken();

/// A random (version 4) UUID in its 36-character text form. Thread-safe.
std::string randomUuid();

}  // namespace monti::auth::crypto
