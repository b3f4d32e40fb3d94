#include "auth/crypto/Random.hpp"

#include "auth/crypto/Base64.hpp"

#include <openssl/rand.h>

#include <climits>
#include <stdexcept>
#include <string_view>

namespace monti::auth::crypto {

std::string randomBytes(std::size_t count) {
  if (count > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("randomBytes: count too large");
  std::string out(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("randomBytes: RAND_bytes failed");
  }
  return out;
}

std::string randomToken() {
  constexpr std::size_t kTokenBytes = 32;
  return base64UrlEncode(randomBytes(kTokenBytes));
}

std::string randomUuid() {
  constexpr std::size_t kUuidBytes = 16;
  auto bytes = randomBytes(kUuidBytes);
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0FU) | 0x40U);  // version 4
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3FU) | 0x80U);  // RFC 4122 variant
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < kUuidBytes; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    const auto b = static_cast<unsigned char>(bytes[i]);
    text += kDigits[b >> 4U];
    text += kDigits[b & 0x0FU];
  }
  return text;
}

}  // namespace monti::auth::crypto
