#pragma once
/// RAII owners for the OpenSSL objects the crypto building blocks use, so no path leaks one.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace monti::auth::crypto {

namespace detail {
template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
}  // namespace detail

using PkeyPtr = std::unique_ptr<EVP_PKEY, detail::Deleter<EVP_PKEY_free>>;
/// Keys shared read-only between signers, verifiers and key sets (safe across threads in OpenSSL 3).
using SharedPkey = std::shared_ptr<EVP_PKEY>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, detail::Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, detail::Deleter<EVP_MD_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, detail::Deleter<EVP_CIPHER_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, detail::Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, detail::Deleter<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, detail::Deleter<ECDSA_SIG_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, detail::Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, detail::Deleter<OSSL_PARAM_free>>;

/// Moves a unique key into a shared one with the right deleter.
inline SharedPkey share(PkeyPtr key) { return {key.release(), EVP_PKEY_free}; }

/// Drops whatever OpenSSL queued on this thread's error stack: a rejected input is an answer, not an error
/// for the next, unrelated OpenSSL call to trip over.
inline void clearOpenSslErrors() noexcept { ERR_clear_error(); }

}  // namespace monti::auth::crypto
