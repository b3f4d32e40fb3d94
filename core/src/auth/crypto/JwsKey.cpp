#include "auth/crypto/JwsKey.hpp"

#include "auth/crypto/Digest.hpp"
#include "auth/crypto/EcdsaSignature.hpp"
#include "auth/crypto/PemKey.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <array>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

constexpr std::size_t kMinHmacSecret = 32;
constexpr int kMinRsaBits = 2048;

bool isP256(EVP_PKEY* key) {
  std::array<char, 64> name{};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(), &length) != 1) {
    clearOpenSslErrors();
    return false;
  }
  const std::string_view group{name.data(), length};
  return group == "prime256v1" || group == "P-256";
}

void checkKeyFits(JwsAlgorithm alg, EVP_PKEY* key) {
  if (key == nullptr) throw std::invalid_argument("JWS key: no key given");
  switch (alg) {
    case JwsAlgorithm::kHs256:
      throw std::invalid_argument("JWS key: HS256 takes a secret, not a PEM or public key");
    case JwsAlgorithm::kRs256:
      if (EVP_PKEY_is_a(key, "RSA") != 1) throw std::invalid_argument("JWS key: RS256 needs an RSA key");
      if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
        throw std::invalid_argument("JWS key: RS256 needs an RSA key of at least 2048 bits");
      }
      return;
    case JwsAlgorithm::kEs256:
      if (EVP_PKEY_is_a(key, "EC") != 1 || !isP256(key)) {
        throw std::invalid_argument("JWS key: ES256 needs an EC key on curve P-256");
      }
      return;
  }
}

std::string digestSign(EVP_PKEY* key, std::string_view input) {
  const MdCtxPtr ctx{EVP_MD_CTX_new()};
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1) {
    clearOpenSslErrors();
    throw std::runtime_error("JWS sign: OpenSSL could not start the signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data, input.size()) != 1) {
    clearOpenSslErrors();
    throw std::runtime_error("JWS sign: OpenSSL could not sign");
  }
  signature.resize(length);
  return signature;
}

bool digestVerify(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  const MdCtxPtr ctx{EVP_MD_CTX_new()};
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  clearOpenSslErrors();
  return ok;
}

}  // namespace

JwsKey::JwsKey(JwsAlgorithm alg, std::shared_ptr<const HmacSha256Key> hmac, SharedPkey key, bool canSign)
    : alg_(alg), hmac_(std::move(hmac)), pkey_(std::move(key)), canSign_(canSign) {}

JwsKey JwsKey::hmac(std::string secret) {
  if (secret.size() < kMinHmacSecret) {
    throw std::invalid_argument("JWS key: an HS256 secret needs at least 32 bytes, got " +
                                std::to_string(secret.size()));
  }
  auto key = std::make_shared<const HmacSha256Key>(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  return {JwsAlgorithm::kHs256, std::move(key), nullptr, true};
}

JwsKey JwsKey::fromPkey(JwsAlgorithm alg, SharedPkey key, bool canSign) {
  checkKeyFits(alg, key.get());
  return {alg, {}, std::move(key), canSign};
}

JwsKey JwsKey::fromPrivatePem(JwsAlgorithm alg, std::string_view pem) {
  return fromPkey(alg, share(loadPrivateKeyPem(pem)), true);
}

JwsKey JwsKey::fromPublicPem(JwsAlgorithm alg, std::string_view pem) {
  return fromPkey(alg, share(loadPublicKeyPem(pem)), false);
}

JwsKey JwsKey::fromPublicKey(JwsAlgorithm alg, SharedPkey key) { return fromPkey(alg, std::move(key), false); }

std::string JwsKey::sign(std::string_view signingInput) const {
  if (!canSign_) throw std::logic_error("JWS sign: this key can only verify");
  switch (alg_) {
    case JwsAlgorithm::kHs256:
      return hmac_->sign(signingInput);
    case JwsAlgorithm::kRs256:
      return digestSign(pkey_.get(), signingInput);
    case JwsAlgorithm::kEs256: {
      auto raw = ecdsaDerToRaw(digestSign(pkey_.get(), signingInput));
      if (!raw) throw std::runtime_error("JWS sign: ECDSA signature conversion failed");
      return std::move(*raw);
    }
  }
  throw std::logic_error("JWS sign: unknown algorithm");
}

bool JwsKey::verify(std::string_view signingInput, std::string_view signature) const noexcept {
  try {
    switch (alg_) {
      case JwsAlgorithm::kHs256:
        return constantTimeEquals(hmac_->sign(signingInput), signature);
      case JwsAlgorithm::kRs256:
        return digestVerify(pkey_.get(), signingInput, signature);
      case JwsAlgorithm::kEs256: {
        // JWS fixes the raw 64-byte form; a DER signature is a different token and is refused.
        if (signature.size() != 2 * kP256CoordinateBytes) return false;
        const auto der = ecdsaRawToDer(signature);
        return der && digestVerify(pkey_.get(), signingInput, *der);
      }
    }
  } catch (const std::exception&) {
    // Allocation or OpenSSL failure: not a valid signature.
  }
  return false;
}

}  // namespace monti::auth::crypto
