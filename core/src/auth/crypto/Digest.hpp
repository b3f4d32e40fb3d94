#pragma once
/// SHA-256, HMAC-SHA256 and constant-time comparison: the primitives under tokens and API keys.

#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// The 32-byte SHA-256 digest of `data`. Thread-safe.
std::string sha256(std::string_view data);

/// SHA-256 of `data` as 64 lowercase hex digits: how refresh tokens and API keys are stored. Thread-safe.
std::string sha256Hex(std::string_view data);

/// The 32-byte HMAC-SHA256 of `data` under `key`. Thread-safe.
std::string hmacSha256(std::string_view key, std::string_view data);

/// True when `a` and `b` hold the same bytes, in time that depends only on their lengths (CRYPTO_memcmp).
bool constantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// `bytes` as lowercase hex.
std::string toHex(std::string_view bytes);

}  // namespace monti::auth::crypto
