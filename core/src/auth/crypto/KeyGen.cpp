#include "auth/crypto/KeyGen.hpp"

#include "auth/crypto/Jwk.hpp"
#include "auth/crypto/OpenSsl.hpp"
#include "auth/crypto/PemKey.hpp"

#include <openssl/core_names.h>

#include <stdexcept>

namespace monti::auth::crypto {
namespace {

GeneratedKeyPair describe(PkeyPtr key, const std::string& kid, JwsAlgorithm alg) {
  if (!key) {
    clearOpenSslErrors();
    throw std::runtime_error("key generation failed");
  }
  return {privateKeyToPem(key.get()), publicKeyToPem(key.get()), publicJwk(key.get(), kid, alg)};
}

}  // namespace

GeneratedKeyPair generateRsaKeyPair(const std::string& kid, unsigned int bits) {
  if (bits < 2048) throw std::invalid_argument("generateRsaKeyPair: bits must be at least 2048");
  return describe(PkeyPtr{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits))}, kid,
                  JwsAlgorithm::kRs256);
}

GeneratedKeyPair generateEcKeyPair(const std::string& kid) {
  return describe(PkeyPtr{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")}, kid, JwsAlgorithm::kEs256);
}

}  // namespace monti::auth::crypto
