#pragma once
/// SHA-256, HMAC-SHA256 and constant-time comparison: the primitives under tokens and API keys.

#include "auth/crypto/OpenSsl.hpp"

#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// The 32-byte SHA-256 digest of `data`. Thread-safe.
std::string sha256(std::string_view data);

/// SHA-256 of `data` as 64 lowercase hex digits: how refresh tokens and API keys are stored. Thread-safe.
std::string sha256Hex(std::string_view data);

/// The 32-byte HMAC-SHA256 of `data` under `key`. Thread-safe.
std::string hmacSha256(std::string_view key, std::string_view data);

/// HMAC-SHA256 under one fixed key, for keys used on every request (a JWT secret). The key's inner and
/// outer pad blocks are hashed once (RFC 2104 §4); each sign() then copies those two states and finishes
/// them, which costs a fraction of a full HMAC set-up and takes no OpenSSL lock. Immutable; sign() is
/// thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  /// The 32-byte HMAC-SHA256 of `data`; the same bytes as hmacSha256(key, data).
  [[nodiscard]] std::string sign(std::string_view data) const;

 private:
  MdCtxPtr inner_;  // SHA-256 state after (key XOR ipad)
  MdCtxPtr outer_;  // SHA-256 state after (key XOR opad)
};

/// True when `a` and `b` hold the same bytes, in time that depends only on their lengths (CRYPTO_memcmp).
bool constantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// `bytes` as lowercase hex.
std::string toHex(std::string_view bytes);

}  // namespace monti::auth::crypto
