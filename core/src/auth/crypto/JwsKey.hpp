#pragma once
/// One JWS signing or verification key bound to its algorithm.

#include "auth/crypto/Digest.hpp"
#include "auth/crypto/JwsAlgorithm.hpp"
#include "auth/crypto/OpenSsl.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// A key for exactly one JWS algorithm: an HS256 secret, or an RSA (RS256) or P-256 (ES256) EVP_PKEY parsed
/// once and shared read-only. Immutable and cheap to copy; sign() and verify() are safe to call
/// concurrently (each call makes its own EVP_MD_CTX).
class JwsKey {
 public:
  /// An HS256 key. Throws std::invalid_argument when `secret` is shorter than 32 bytes (RFC 7518 §3.2).
  static JwsKey hmac(std::string secret);

  /// An RS256 or ES256 signing key from an unencrypted private key PEM; it verifies too. Throws
  /// std::invalid_argument for an unparsable PEM, HS256, or a key that does not fit `alg` (RSA below
  /// 2048 bits, an EC curve other than P-256).
  static JwsKey fromPrivatePem(JwsAlgorithm alg, std::string_view pem);

  /// An RS256 or ES256 verification key from a `PUBLIC KEY` PEM; same checks as fromPrivatePem.
  static JwsKey fromPublicPem(JwsAlgorithm alg, std::string_view pem);

  /// An RS256 or ES256 verification key from an already built EVP_PKEY (e.g. from a JWK); same checks.
  static JwsKey fromPublicKey(JwsAlgorithm alg, SharedPkey key);

  /// The algorithm this key signs and verifies.
  [[nodiscard]] JwsAlgorithm algorithm() const noexcept { return alg_; }

  /// True for HS256 keys and keys built from a private PEM.
  [[nodiscard]] bool canSign() const noexcept { return canSign_; }

  /// The JWS signature of `signingInput` (ES256: raw r||s, 64 bytes). Throws std::logic_error for a
  /// verify-only key and std::runtime_error when OpenSSL fails.
  [[nodiscard]] std::string sign(std::string_view signingInput) const;

  /// True when `signature` is a valid signature of `signingInput` under this key. HS256 compares in
  /// constant time; ES256 accepts only the 64-byte raw form. Never throws.
  [[nodiscard]] bool verify(std::string_view signingInput, std::string_view signature) const noexcept;

 private:
  JwsKey(JwsAlgorithm alg, std::shared_ptr<const HmacSha256Key> hmac, SharedPkey key, bool canSign);
  static JwsKey fromPkey(JwsAlgorithm alg, SharedPkey key, bool canSign);

  JwsAlgorithm alg_;
  std::shared_ptr<const HmacSha256Key> hmac_;  // HS256 only: the secret's pad blocks, hashed once
  SharedPkey pkey_;
  bool canSign_;
};

}  // namespace monti::auth::crypto
