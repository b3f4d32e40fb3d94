#pragma once
/// Keys, clocks and hand-made tokens shared by the crypto unit tests.

#include "auth/crypto/Base64.hpp"
#include "auth/crypto/JwsKey.hpp"
#include "auth/crypto/JwtVerifier.hpp"
#include "auth/crypto/KeyGen.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace monti::auth::crypto::test {

/// 2026-01-01T00:00:00Z: "now" for every token test.
inline constexpr std::int64_t kNow = 1767225600;
inline const std::string kIssuer = "https://issuer.test";
inline const std::string kAudience = "monti-api";
inline const std::string kHmacSecret = "0123456789abcdef0123456789abcdef-test-secret";

inline std::chrono::system_clock::time_point at(std::int64_t seconds) {
  return std::chrono::system_clock::time_point{std::chrono::seconds{seconds}};
}

/// Options with a fixed clock at kNow, the test issuer and audience and 30 s leeway.
inline JwtVerifierOptions testOptions() {
  JwtVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.leeway = std::chrono::seconds{30};
  options.clock = [] { return at(kNow); };
  return options;
}

/// Claims that pass every check of testOptions().
inline nlohmann::json validClaims() {
  return {{"sub", "42"}, {"iss", kIssuer}, {"aud", kAudience}, {"iat", kNow - 10}, {"exp", kNow + 600}};
}

/// One RSA and one EC key pair per test binary: RSA generation is slow.
inline const GeneratedKeyPair& rsaPair() {
  static const GeneratedKeyPair pair = generateRsaKeyPair("rsa-1");
  return pair;
}
inline const GeneratedKeyPair& otherRsaPair() {
  static const GeneratedKeyPair pair = generateRsaKeyPair("rsa-2");
  return pair;
}
inline const GeneratedKeyPair& ecPair() {
  static const GeneratedKeyPair pair = generateEcKeyPair("ec-1");
  return pair;
}

/// A token from raw header and payload text, signed with `key` over exactly those bytes.
inline std::string rawToken(std::string_view header, std::string_view payload, const JwsKey& key) {
  std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
  const std::string signature = key.sign(input);
  return input + "." + base64UrlEncode(signature);
}

/// A token with the given header and claims, signed with `key`.
inline std::string makeToken(const nlohmann::json& header, const nlohmann::json& claims, const JwsKey& key) {
  return rawToken(header.dump(), claims.dump(), key);
}

}  // namespace monti::auth::crypto::test
