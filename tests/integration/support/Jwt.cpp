#include "support/Jwt.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <chrono>
#include <memory>
#include <stdexcept>

namespace monti::itest {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

const unsigned char* bytesOf(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data without its C cast
  return {data, static_cast<std::size_t>(size)};
}

std::string compact(const nlohmann::json& header, const nlohmann::json& claims, const std::string& signature) {
  return signingInput(header, claims) + "." + base64Url(signature);
}

}  // namespace

std::string base64Url(std::string_view bytes) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18U) & 63U];
    out += kAlphabet[(n >> 12U) & 63U];
    out += kAlphabet[(n >> 6U) & 63U];
    out += kAlphabet[n & 63U];
  }
  const auto rest = bytes.size() - i;
  if (rest > 0) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
    out += kAlphabet[(n >> 18U) & 63U];
    out += kAlphabet[(n >> 12U) & 63U];
    if (rest == 2) out += kAlphabet[(n >> 6U) & 63U];
  }
  return out;
}

std::string signingInput(const nlohmann::json& header, const nlohmann::json& claims) {
  return base64Url(header.dump()) + "." + base64Url(claims.dump());
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytesOf(data), data.size(), mac.data(), &length) ==
      nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return {mac.begin(), mac.begin() + length};
}

std::string hs256Token(const nlohmann::json& claims, std::string_view key, const nlohmann::json& header) {
  return compact(header, claims, hmacSha256(key, signingInput(header, claims)));
}

std::string rs256Token(const nlohmann::json& claims, const std::string& privatePem, const nlohmann::json& header) {
  const Bio in(BIO_new_mem_buf(privatePem.data(), static_cast<int>(privatePem.size())));
  const Pkey key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("not a private key PEM");
  const MdCtx ctx(EVP_MD_CTX_new());
  const auto input = signingInput(header, claims);
  std::size_t length = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytesOf(input), input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  std::string signature(length, '\0');
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytesOf(input),
                     input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  signature.resize(length);
  return compact(header, claims, signature);
}

RsaKeyPair generateRsaKeyPair(unsigned int bits) {
  const Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));  // EVP_RSA_gen
  if (!key) throw std::runtime_error("RSA key generation failed");
  const Bio privateOut(BIO_new(BIO_s_mem()));
  const Bio publicOut(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(privateOut.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(publicOut.get(), key.get()) != 1) {
    throw std::runtime_error("PEM encoding failed");
  }
  return {drain(privateOut.get()), drain(publicOut.get())};
}

std::int64_t epochNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace monti::itest
