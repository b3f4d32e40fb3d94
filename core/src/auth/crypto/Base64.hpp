#pragma once
/// Base64 in the two unpadded forms auth needs: base64url (JWS, tokens, FieldCipher) and standard (PHC).

#include <optional>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// `bytes` as base64url (RFC 4648 §5) without padding. Pure function, thread-safe.
std::string base64UrlEncode(std::string_view bytes);

/// Strictly decodes unpadded base64url: nullopt on any character outside [A-Za-z0-9_-], on '=' padding,
/// on a length that no encoding produces (len % 4 == 1) and on non-zero unused trailing bits, so every
/// byte string has exactly one accepted encoding. Thread-safe.
std::optional<std::string> base64UrlDecode(std::string_view text);

/// `bytes` as standard base64 (RFC 4648 §4, '+' and '/') without padding, as PHC strings use it.
std::string base64Encode(std::string_view bytes);

/// Strict decoding of unpadded standard base64, with the same rules as base64UrlDecode.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace monti::auth::crypto
