#pragma once
/// JWTs made by the test itself with OpenSSL, independently of Monti's own crypto code, so that a bug shared by
/// Monti's signer and verifier cannot hide from the token attack tests.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace monti::itest {

/// `bytes` as unpadded base64url (RFC 4648 §5).
std::string base64Url(std::string_view bytes);

/// base64url(header) + "." + base64url(claims): what a JWS signs.
std::string signingInput(const nlohmann::json& header, const nlohmann::json& claims);

/// HMAC-SHA256 of `data` with `key` (raw bytes).
std::string hmacSha256(std::string_view key, std::string_view data);

/// A compact JWS whose signature is HMAC-SHA256 with `key`, whatever `header` says its "alg" is.
std::string hs256Token(const nlohmann::json& claims, std::string_view key,
                       const nlohmann::json& header = {{"alg", "HS256"}, {"typ", "JWT"}});

/// A compact JWS signed RSASSA-PKCS1-v1_5 SHA-256 with the private key in `privatePem`.
std::string rs256Token(const nlohmann::json& claims, const std::string& privatePem,
                       const nlohmann::json& header = {{"alg", "RS256"}, {"typ", "JWT"}});

/// A new RSA key pair: unencrypted PKCS#8 private key and SubjectPublicKeyInfo public key, both PEM.
struct RsaKeyPair {
  std::string privatePem;
  std::string publicPem;
};
RsaKeyPair generateRsaKeyPair(unsigned int bits = 2048);

/// Seconds since the epoch, now.
std::int64_t epochNow();

}  // namespace monti::itest
