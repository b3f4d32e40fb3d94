#include "auth/ExternalTokens.hpp"

#include "auth/crypto/KeySet.hpp"

#include <monti/config/ConfigError.hpp>

#include <curl/curl.h>

#include <fstream>
#include <sstream>

namespace monti::auth {
namespace {

constexpr std::size_t kMaxJwksBytes = std::size_t{1} << 20;

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* target) {
  auto& body = *static_cast<std::string*>(target);
  if (body.size() + size * count > kMaxJwksBytes) return 0;  // aborts the transfer
  body.append(data, size * count);
  return size * count;
}

}  // namespace

std::string httpGet(const std::string& url) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("cannot start libcurl");
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &appendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) throw std::runtime_error("GET " + url + ": " + curl_easy_strerror(code));
  if (status != 200) throw std::runtime_error("GET " + url + ": HTTP " + std::to_string(status));
  return body;
}

ExternalTokens::ExternalTokens(const config::OidcConfig& config, std::chrono::seconds leeway, obs::Logger& logger)
    : config_(config), leeway_(leeway), logger_(logger) {
  try {
    reload();
  } catch (const std::exception& e) {
    throw config::ConfigError(std::string("config: oidc: cannot load the JWKS: ") + e.what());
  }
}

std::string ExternalTokens::fetchJwks() const {
  if (!config_.jwksFile.empty()) {
    std::ifstream in(config_.jwksFile);
    if (!in) throw std::runtime_error("cannot read " + config_.jwksFile);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  return httpGet(config_.jwksUrl);
}

void ExternalTokens::reload() {
  auto keys = std::make_shared<const crypto::KeySet>(crypto::KeySet::fromJwks(fetchJwks()));
  if (keys->size() == 0) throw std::runtime_error("the JWKS has no usable signing key");
  const auto alg = config_.algorithm == "ES256" ? crypto::JwsAlgorithm::kEs256 : crypto::JwsAlgorithm::kRs256;
  auto verifier = std::make_shared<const crypto::JwtVerifier>(
      alg, std::move(keys), crypto::JwtVerifierOptions{config_.issuer, config_.audience, leeway_, {}});
  std::lock_guard lock(mutex_);
  verifier_ = std::move(verifier);
  lastFetch_ = std::chrono::steady_clock::now();
}

std::shared_ptr<const crypto::JwtVerifier> ExternalTokens::current() const {
  std::lock_guard lock(mutex_);
  return verifier_;
}

crypto::VerifyResult ExternalTokens::verify(std::string_view token) {
  auto result = current()->verify(token);
  if (result || result.error() != crypto::VerifyError::kUnknownKid) return result;
  {
    std::lock_guard lock(mutex_);
    if (std::chrono::steady_clock::now() - lastFetch_ < config_.refetchInterval) return result;
    lastFetch_ = std::chrono::steady_clock::now();  // one refetch per interval, whoever asks
  }
  try {
    reload();
    logger_.info("OIDC keys refetched after an unknown key id");
  } catch (const std::exception& e) {
    logger_.warn("OIDC keys not refetched", {{"error", e.what()}});
    return result;
  }
  return current()->verify(token);
}

}  // namespace monti::auth
