#pragma once
/// ECDSA signatures in the two encodings that meet in ES256: OpenSSL's DER and JWS's raw r||s (RFC 7518
/// §3.4).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// Size of r and of s for P-256; a JWS ES256 signature is twice this.
inline constexpr std::size_t kP256CoordinateBytes = 32;

/// DER `ECDSA-Sig-Value` → r||s with each half left-padded to `coordinateBytes`; nullopt when the DER is
/// malformed or a value does not fit. Thread-safe.
std::optional<std::string> ecdsaDerToRaw(std::string_view der, std::size_t coordinateBytes = kP256CoordinateBytes);

/// r||s (exactly 2 × `coordinateBytes`) → DER; nullopt for any other length. Thread-safe.
std::optional<std::string> ecdsaRawToDer(std::string_view raw, std::size_t coordinateBytes = kP256CoordinateBytes);

}  // namespace monti::auth::crypto
