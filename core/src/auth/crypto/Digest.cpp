#include "auth/crypto/Digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace monti::auth::crypto {

std::string sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("sha256: EVP_Digest failed");
  }
  return {reinterpret_cast<const char*>(out.data()), length};
}

std::string sha256Hex(std::string_view data) { return toHex(sha256(data)); }

std::string hmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  // HMAC() rejects a null key pointer even with length 0; an empty key is still a valid HMAC key.
  static constexpr unsigned char kEmpty = 0;
  const void* keyData = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha256(), keyData, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out.data(), &length) == nullptr) {
    throw std::runtime_error("hmacSha256: HMAC failed");
  }
  return {reinterpret_cast<const char*>(out.data()), length};
}

namespace {

constexpr std::size_t kSha256BlockBytes = 64;
constexpr std::size_t kSha256Bytes = 32;

const EVP_MD* sha256Md() {
  // Fetched once: an implicit fetch per digest takes a global lock on every call.
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("sha256: EVP_MD_fetch failed");
  return md;
}

MdCtxPtr digestAfter(const std::array<unsigned char, kSha256BlockBytes>& block) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), block.data(), block.size()) != 1) {
    throw std::runtime_error("HmacSha256Key: digest set-up failed");
  }
  return ctx;
}

}  // namespace

HmacSha256Key::HmacSha256Key(std::string_view key) {
  // A key longer than the block is replaced by its digest; a shorter one is padded with zeros.
  const std::string hashedKey = key.size() > kSha256BlockBytes ? sha256(key) : std::string(key);
  std::array<unsigned char, kSha256BlockBytes> ipad{};
  std::array<unsigned char, kSha256BlockBytes> opad{};
  for (std::size_t i = 0; i < kSha256BlockBytes; ++i) {
    const auto k = i < hashedKey.size() ? static_cast<unsigned char>(hashedKey[i]) : static_cast<unsigned char>(0);
    ipad[i] = k ^ 0x36U;
    opad[i] = k ^ 0x5cU;
  }
  inner_ = digestAfter(ipad);
  outer_ = digestAfter(opad);
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
}

std::string HmacSha256Key::sign(std::string_view data) const {
  const MdCtxPtr work(EVP_MD_CTX_new());
  std::array<unsigned char, kSha256Bytes> innerHash{};
  std::array<unsigned char, kSha256Bytes> out{};
  unsigned int length = 0;
  if (!work || EVP_MD_CTX_copy_ex(work.get(), inner_.get()) != 1 ||
      EVP_DigestUpdate(work.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(work.get(), innerHash.data(), &length) != 1 ||
      EVP_MD_CTX_copy_ex(work.get(), outer_.get()) != 1 ||
      EVP_DigestUpdate(work.get(), innerHash.data(), innerHash.size()) != 1 ||
      EVP_DigestFinal_ex(work.get(), out.data(), &length) != 1) {
    throw std::runtime_error("HmacSha256Key: HMAC failed");
  }
  return {reinterpret_cast<const char*>(out.data()), length};
}

bool constantTimeEquals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string toHex(std::string_view bytes) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

}  // namespace monti::auth::crypto
