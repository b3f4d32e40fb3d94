#include "auth/crypto/EcdsaSignature.hpp"

#include "auth/crypto/OpenSsl.hpp"

#include <openssl/ecdsa.h>

#include <climits>

namespace monti::auth::crypto {

std::optional<std::string> ecdsaDerToRaw(std::string_view der, std::size_t coordinateBytes) {
  if (der.size() > static_cast<std::size_t>(LONG_MAX) || coordinateBytes > static_cast<std::size_t>(INT_MAX) / 2) {
    return std::nullopt;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const EcdsaSigPtr sig{d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()))};
  // Trailing bytes after the DER value mean it was not a plain signature.
  if (!sig || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  const int width = static_cast<int>(coordinateBytes);
  std::string raw(coordinateBytes * 2, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, width) != width || BN_bn2binpad(s, out + width, width) != width) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return raw;
}

std::optional<std::string> ecdsaRawToDer(std::string_view raw, std::size_t coordinateBytes) {
  if (coordinateBytes == 0 || coordinateBytes > static_cast<std::size_t>(INT_MAX) / 2 ||
      raw.size() != coordinateBytes * 2) {
    return std::nullopt;
  }
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  const int width = static_cast<int>(coordinateBytes);
  BignumPtr r{BN_bin2bn(in, width, nullptr)};
  BignumPtr s{BN_bin2bn(in + width, width, nullptr)};
  EcdsaSigPtr sig{ECDSA_SIG_new()};
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  // ECDSA_SIG_set0 took ownership of r and s.
  static_cast<void>(r.release());
  static_cast<void>(s.release());
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return der;
}

}  // namespace monti::auth::crypto
