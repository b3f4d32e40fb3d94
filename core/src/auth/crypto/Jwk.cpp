#include "auth/crypto/Jwk.hpp"

#include "auth/crypto/Base64.hpp"
#include "auth/crypto/EcdsaSignature.hpp"

#include <openssl/core_names.h>

#include <climits>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

std::optional<std::string> member(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  auto decoded = base64UrlDecode(it->get_ref<const std::string&>());
  if (!decoded || decoded->empty()) return std::nullopt;
  return decoded;
}

BignumPtr toBignum(const std::string& bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return BignumPtr{
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr)};
}

std::optional<PkeyPtr> fromParams(const char* type, OSSL_PARAM_BLD* builder) {
  const ParamPtr params{OSSL_PARAM_BLD_to_param(builder)};
  const PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr)};
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return PkeyPtr{raw};
}

std::optional<PkeyPtr> rsaFromJwk(const nlohmann::json& jwk) {
  const auto n = member(jwk, "n");
  const auto e = member(jwk, "e");
  if (!n || !e) return std::nullopt;
  const auto nBn = toBignum(*n);
  const auto eBn = toBignum(*e);
  const ParamBldPtr builder{OSSL_PARAM_BLD_new()};
  if (!nBn || !eBn || !builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, nBn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, eBn.get()) != 1) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return fromParams("RSA", builder.get());
}

std::optional<PkeyPtr> ecFromJwk(const nlohmann::json& jwk) {
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || *crv != "P-256") return std::nullopt;
  const auto x = member(jwk, "x");
  const auto y = member(jwk, "y");
  if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) return std::nullopt;
  // SEC 1 uncompressed point: 0x04 || x || y. fromdata rejects a point that is not on the curve.
  std::string point = "\x04" + *x + *y;
  static constexpr char kGroup[] = "prime256v1";
  const ParamBldPtr builder{OSSL_PARAM_BLD_new()};
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, kGroup, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  auto key = fromParams("EC", builder.get());
  if (!key) return std::nullopt;
  const PkeyCtxPtr check{EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr)};
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return key;
}

std::string bignumParam(EVP_PKEY* key, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    clearOpenSslErrors();
    throw std::runtime_error(std::string{"JWK export: missing key parameter "} + name);
  }
  const BignumPtr value{raw};
  const int size = width > 0 ? width : BN_num_bytes(value.get());
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(value.get(), reinterpret_cast<unsigned char*>(bytes.data()), size) != size) {
    clearOpenSslErrors();
    throw std::runtime_error(std::string{"JWK export: key parameter too large: "} + name);
  }
  return base64UrlEncode(bytes);
}

}  // namespace

std::optional<PkeyPtr> publicKeyFromJwk(const nlohmann::json& jwk) {
  try {
    if (!jwk.is_object()) return std::nullopt;
    const auto kty = jwk.find("kty");
    if (kty == jwk.end() || !kty->is_string()) return std::nullopt;
    if (*kty == "RSA") return rsaFromJwk(jwk);
    if (*kty == "EC") return ecFromJwk(jwk);
  } catch (const std::exception&) {
    clearOpenSslErrors();
  }
  return std::nullopt;
}

nlohmann::json publicJwk(EVP_PKEY* key, const std::string& kid, JwsAlgorithm alg) {
  nlohmann::json jwk;
  if (EVP_PKEY_is_a(key, "RSA") == 1) {
    jwk = {{"kty", "RSA"},
           {"n", bignumParam(key, OSSL_PKEY_PARAM_RSA_N, 0)},
           {"e", bignumParam(key, OSSL_PKEY_PARAM_RSA_E, 0)}};
  } else if (EVP_PKEY_is_a(key, "EC") == 1) {
    constexpr int kWidth = static_cast<int>(kP256CoordinateBytes);
    jwk = {{"kty", "EC"},
           {"crv", "P-256"},
           {"x", bignumParam(key, OSSL_PKEY_PARAM_EC_PUB_X, kWidth)},
           {"y", bignumParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, kWidth)}};
  } else {
    throw std::invalid_argument("JWK export: only RSA and EC keys are supported");
  }
  jwk["kid"] = kid;
  jwk["alg"] = std::string{toString(alg)};
  jwk["use"] = "sig";
  return jwk;
}

}  // namespace monti::auth::crypto
