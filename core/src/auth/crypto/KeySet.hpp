#pragma once
/// A JSON Web Key Set (RFC 7517 §5): an identity provider's signing keys, found by kid.

#include "auth/crypto/JwsKey.hpp"

#include <map>
#include <string>
#include <string_view>

namespace monti::auth::crypto {

/// The usable signing keys of one JWKS document, by kid. Immutable after construction, so safe to share
/// between threads; to pick up rotated keys, build a new KeySet from a freshly fetched document.
class KeySet {
 public:
  /// Parses a JWKS document. Keeps keys with kty RSA (≥ 2048 bits) or EC P-256 whose `use` is absent or
  /// "sig" and whose `alg` is absent (RSA → RS256, EC → ES256) or one Monti supports; skips every other
  /// key, including malformed ones, so one odd key does not hide the rest. A key without kid is kept only
  /// when it is the document's single usable key. Throws std::invalid_argument when the document is not
  /// JSON or has no "keys" array.
  static KeySet fromJwks(std::string_view jwksJson);

  /// The key for `kid`, or nullptr. An empty `kid` (a token without one) finds the only key of a
  /// single-key set. The pointer lives as long as this KeySet.
  [[nodiscard]] const JwsKey* find(std::string_view kid) const noexcept;

  /// Number of usable keys.
  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }

 private:
  std::map<std::string, JwsKey, std::less<>> keys_;
};

}  // namespace monti::auth::crypto
