#include "auth/crypto/FieldCipher.hpp"

#include "auth/crypto/Base64.hpp"
#include "auth/crypto/OpenSsl.hpp"
#include "auth/crypto/Random.hpp"

#include <climits>
#include <optional>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kMaxKeyId = 32;
constexpr std::size_t kMaxInput = static_cast<std::size_t>(INT_MAX) / 2;

bool validKeyId(std::string_view id) {
  if (id.empty() || id.size() > kMaxKeyId) return false;
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/// The authenticated data: version and key id as well as the caller's context, each length-delimited.
std::string aadFor(std::string_view keyId, std::string_view associatedData) {
  std::string aad{kVersion};
  aad += '\0';
  aad += keyId;
  aad += '\0';
  aad += associatedData;
  return aad;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

/// Runs GCM in either direction over `in`; for decryption `tag` is checked, for encryption it is filled.
std::optional<std::string> gcm(bool encrypting, std::string_view key, std::string_view nonce, std::string_view aad,
                               std::string_view in, std::string& tag) {
  const CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  if (!ctx) return std::nullopt;
  const int enc = encrypting ? 1 : 0;
  std::string out(in.size(), '\0');
  int length = 0;
  bool ok = EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) == 1 &&
            EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce), enc) == 1 &&
            EVP_CipherUpdate(ctx.get(), nullptr, &length, bytes(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_CipherUpdate(ctx.get(), bytes(out), &length, bytes(in), static_cast<int>(in.size())) == 1;
  if (ok && !encrypting) {
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()) == 1;
  }
  int finalLength = 0;
  // For decryption, the final call is where GCM compares the tag.
  ok = ok && EVP_CipherFinal_ex(ctx.get(), bytes(out) + length, &finalLength) == 1;
  if (ok && encrypting) {
    tag.assign(kTagBytes, '\0');
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), tag.data()) == 1;
  }
  if (!ok) {
    clearOpenSslErrors();
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string_view toString(DecryptError error) noexcept {
  switch (error) {
    case DecryptError::kMalformed:
      return "malformed";
    case DecryptError::kUnknownKey:
      return "unknown_key";
    case DecryptError::kTampered:
      return "tampered";
  }
  return "unknown";
}

FieldCipher::FieldCipher(const std::map<std::string, std::string>& keys, std::string currentKeyId)
    : currentKeyId_(std::move(currentKeyId)) {
  for (const auto& [id, key] : keys) {
    if (!validKeyId(id)) {
      throw std::invalid_argument("FieldCipher: key id '" + id + "': expected 1..32 characters of [A-Za-z0-9_-]");
    }
    if (key.size() != kKeyBytes) {
      throw std::invalid_argument("FieldCipher: key '" + id + "' has " + std::to_string(key.size()) +
                                  " bytes: expected 32 (AES-256)");
    }
    keys_.emplace(id, key);
  }
  if (!keys_.contains(currentKeyId_)) {
    throw std::invalid_argument("FieldCipher: current key id '" + currentKeyId_ + "' is not in the keyring");
  }
}

std::string FieldCipher::encrypt(std::string_view plaintext, std::string_view associatedData) const {
  if (plaintext.size() > kMaxInput || associatedData.size() > kMaxInput) {
    throw std::invalid_argument("FieldCipher: value too large");
  }
  const std::string nonce = randomBytes(kNonceBytes);
  std::string tag;
  const auto ciphertext =
      gcm(true, keys_.find(currentKeyId_)->second, nonce, aadFor(currentKeyId_, associatedData), plaintext, tag);
  if (!ciphertext) throw std::runtime_error("FieldCipher: AES-256-GCM encryption failed");
  return std::string{kVersion} + ":" + currentKeyId_ + ":" + base64UrlEncode(nonce + *ciphertext + tag);
}

Result<std::string, DecryptError> FieldCipher::decrypt(std::string_view stored,
                                                       std::string_view associatedData) const noexcept {
  try {
    const auto firstColon = stored.find(':');
    const auto secondColon = stored.find(':', firstColon == std::string_view::npos ? 0 : firstColon + 1);
    if (firstColon == std::string_view::npos || secondColon == std::string_view::npos ||
        stored.substr(0, firstColon) != kVersion || stored.size() > kMaxInput || associatedData.size() > kMaxInput) {
      return DecryptError::kMalformed;
    }
    const auto keyId = stored.substr(firstColon + 1, secondColon - firstColon - 1);
    const auto blob = base64UrlDecode(stored.substr(secondColon + 1));
    if (!validKeyId(keyId) || !blob || blob->size() < kNonceBytes + kTagBytes) return DecryptError::kMalformed;
    const auto key = keys_.find(keyId);
    if (key == keys_.end()) return DecryptError::kUnknownKey;

    const std::string_view all{*blob};
    std::string tag{all.substr(all.size() - kTagBytes)};
    const auto plaintext = gcm(false, key->second, all.substr(0, kNonceBytes), aadFor(keyId, associatedData),
                               all.substr(kNonceBytes, all.size() - kNonceBytes - kTagBytes), tag);
    if (!plaintext) return DecryptError::kTampered;
    return *plaintext;
  } catch (const std::exception&) {
    return DecryptError::kMalformed;  // allocation failure; bad input never throws
  }
}

}  // namespace monti::auth::crypto
