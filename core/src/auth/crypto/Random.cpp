#include "auth/crypto/Random.hpp"

#include "auth/crypto/Base64.hpp"

#include <openssl/rand.h>

#include <climits>
#include <stdexcept>

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

}  // namespace monti::auth::crypto
