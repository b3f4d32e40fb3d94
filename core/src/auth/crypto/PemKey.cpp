#include "auth/crypto/PemKey.hpp"

#include <openssl/pem.h>

#include <climits>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

// An encrypted key would otherwise make OpenSSL ask for a passphrase on the terminal.
int noPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return 0; }

BioPtr readBio(std::string_view pem, const char* what) {
  if (pem.size() > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument(std::string{what} + ": too large");
  BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (!bio) throw std::runtime_error(std::string{what} + ": BIO_new_mem_buf failed");
  return bio;
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) throw std::runtime_error("PEM export: empty output");
  return {data, static_cast<std::size_t>(length)};
}

}  // namespace

PkeyPtr loadPrivateKeyPem(std::string_view pem) {
  const auto bio = readBio(pem, "private key PEM");
  PkeyPtr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr)};
  if (!key) {
    clearOpenSslErrors();
    throw std::invalid_argument(
        "private key PEM could not be parsed: expected an unencrypted 'PRIVATE KEY', 'RSA PRIVATE KEY' or "
        "'EC PRIVATE KEY' block");
  }
  return key;
}

PkeyPtr loadPublicKeyPem(std::string_view pem) {
  const auto bio = readBio(pem, "public key PEM");
  PkeyPtr key{PEM_read_bio_PUBKEY(bio.get(), nullptr, noPassphrase, nullptr)};
  if (!key) {
    clearOpenSslErrors();
    throw std::invalid_argument("public key PEM could not be parsed: expected a 'PUBLIC KEY' block");
  }
  return key;
}

std::string privateKeyToPem(EVP_PKEY* key) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    clearOpenSslErrors();
    throw std::runtime_error("PEM export of a private key failed");
  }
  return drain(bio.get());
}

std::string publicKeyToPem(EVP_PKEY* key) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    clearOpenSslErrors();
    throw std::runtime_error("PEM export of a public key failed");
  }
  return drain(bio.get());
}

}  // namespace monti::auth::crypto
