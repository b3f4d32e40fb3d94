#include "auth/crypto/PasswordHasher.hpp"

#include "auth/crypto/Digest.hpp"
#include "auth/crypto/OpenSsl.hpp"
#include "auth/crypto/PhcString.hpp"
#include "auth/crypto/Random.hpp"

#include <openssl/evp.h>

#include <climits>
#include <optional>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::uint32_t kMaxIterations = 100'000'000;

std::optional<std::string> pbkdf2(std::string_view password, std::string_view salt, std::uint32_t iterations,
                                  std::size_t length) {
  if (password.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  std::string out(length, '\0');
  // PKCS5_PBKDF2_HMAC reads `password` only up to its length; a null pointer with length 0 is not allowed.
  static constexpr char kEmpty = 0;
  const char* pass = password.empty() ? &kEmpty : password.data();
  if (PKCS5_PBKDF2_HMAC(pass, static_cast<int>(password.size()), reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(length), reinterpret_cast<unsigned char*>(out.data())) != 1) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return out;
}

}  // namespace

PasswordHasher::PasswordHasher(std::uint32_t iterations) : iterations_(iterations) {
  if (iterations < 1 || iterations > kMaxIterations) {
    throw std::invalid_argument("PasswordHasher: iterations = " + std::to_string(iterations) +
                                ": expected 1..100000000 (OWASP recommends 600000)");
  }
}

std::string PasswordHasher::hash(std::string_view password) const {
  Pbkdf2Phc phc{iterations_, randomBytes(kSaltBytes), {}};
  auto derived = pbkdf2(password, phc.salt, iterations_, kHashBytes);
  if (!derived) throw std::runtime_error("PasswordHasher: PKCS5_PBKDF2_HMAC failed");
  phc.hash = std::move(*derived);
  return phc.format();
}

bool PasswordHasher::verify(std::string_view password, std::string_view phc) const noexcept {
  try {
    const auto parsed = Pbkdf2Phc::parse(phc);
    if (!parsed) return false;
    const auto derived = pbkdf2(password, parsed->salt, parsed->iterations, parsed->hash.size());
    return derived && constantTimeEquals(*derived, parsed->hash);
  } catch (const std::bad_alloc&) {
    return false;
  }
}

bool PasswordHasher::needsRehash(std::string_view phc) const noexcept {
  try {
    const auto parsed = Pbkdf2Phc::parse(phc);
    return !parsed || parsed->iterations < iterations_ || parsed->hash.size() != kHashBytes;
  } catch (const std::bad_alloc&) {
    return true;
  }
}

void PasswordHasher::dummyVerify(std::string_view password) const noexcept {
  static constexpr std::string_view kDummySalt = "monti-dummy-salt";
  try {
    const auto derived = pbkdf2(password, kDummySalt, iterations_, kHashBytes);
    // Compare like verify() does so the two paths do the same work.
    static_cast<void>(derived && constantTimeEquals(*derived, std::string(kHashBytes, '\0')));
  } catch (const std::bad_alloc&) {
    // Nothing to report: the caller answers "invalid credentials" either way.
  }
}

}  // namespace monti::auth::crypto
