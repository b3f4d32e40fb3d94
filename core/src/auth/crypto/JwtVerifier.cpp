#include "auth/crypto/JwtVerifier.hpp"

#include "auth/crypto/Base64.hpp"
#include "auth/crypto/StrictJson.hpp"

#include <optional>
#include <stdexcept>

namespace monti::auth::crypto {
namespace {

struct Parts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signingInput;  ///< header.payload
};

std::optional<Parts> split(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  Parts parts{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
              token.substr(0, second)};
  // An empty signature is left to the signature check, so an alg "none" token is named as such.
  if (parts.header.empty() || parts.payload.empty()) return std::nullopt;
  return parts;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// A NumericDate claim as seconds; nullopt when present but not a number.
std::optional<std::optional<double>> numericDate(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<double>{};
  if (!it->is_number()) return std::nullopt;
  return std::optional<double>{it->get<double>()};
}

bool audienceMatches(const nlohmann::json& claims, const std::string& expected) {
  const auto aud = claims.find("aud");
  if (aud == claims.end()) return false;
  if (aud->is_string()) return *aud == expected;
  if (!aud->is_array()) return false;
  for (const auto& item : *aud) {
    if (item.is_string() && item == expected) return true;
  }
  return false;
}

void completeOptions(JwtVerifierOptions& options) {
  if (options.leeway.count() < 0) throw std::invalid_argument("JwtVerifier: leeway must not be negative");
  if (!options.clock) options.clock = [] { return std::chrono::system_clock::now(); };
}

}  // namespace

std::string_view toString(VerifyError error) noexcept {
  switch (error) {
    case VerifyError::kMalformed:
      return "malformed";
    case VerifyError::kUnsupportedAlg:
      return "unsupported_alg";
    case VerifyError::kAlgMismatch:
      return "alg_mismatch";
    case VerifyError::kBadSignature:
      return "bad_signature";
    case VerifyError::kExpired:
      return "expired";
    case VerifyError::kNotYetValid:
      return "not_yet_valid";
    case VerifyError::kMissingExp:
      return "missing_exp";
    case VerifyError::kWrongIssuer:
      return "wrong_issuer";
    case VerifyError::kWrongAudience:
      return "wrong_audience";
    case VerifyError::kUnknownKid:
      return "unknown_kid";
  }
  return "unknown";
}

JwtVerifier::JwtVerifier(JwsKey key, JwtVerifierOptions options)
    : alg_(key.algorithm()), key_(std::move(key)), options_(std::move(options)) {
  completeOptions(options_);
}

JwtVerifier::JwtVerifier(JwsAlgorithm alg, std::shared_ptr<const KeySet> keys, JwtVerifierOptions options)
    : alg_(alg), keySet_(std::move(keys)), options_(std::move(options)) {
  if (alg == JwsAlgorithm::kHs256) throw std::invalid_argument("JwtVerifier: a JWKS holds RS256 or ES256 keys");
  if (!keySet_) throw std::invalid_argument("JwtVerifier: no key set given");
  completeOptions(options_);
}

VerifyResult JwtVerifier::verify(std::string_view token) const noexcept {
  try {
    return verifyOrThrow(token);
  } catch (const std::exception&) {
    // Only allocation failures get here; bad input is answered with a reason, not an exception.
    return VerifyError::kMalformed;
  }
}

VerifyResult JwtVerifier::verifyOrThrow(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) return VerifyError::kMalformed;
  const auto parts = split(token);
  if (!parts) return VerifyError::kMalformed;
  const auto headerText = base64UrlDecode(parts->header);
  if (!headerText) return VerifyError::kMalformed;
  const auto header = parseStrictJsonObject(*headerText);
  if (!header) return VerifyError::kMalformed;
  const auto key = keyFor(*header);
  if (!key) return key.error();

  const auto payloadText = base64UrlDecode(parts->payload);
  const auto signature = base64UrlDecode(parts->signature);
  if (!payloadText || !signature) return VerifyError::kMalformed;
  if (!key.value()->verify(parts->signingInput, *signature)) return VerifyError::kBadSignature;

  auto claims = parseStrictJsonObject(*payloadText);
  if (!claims) return VerifyError::kMalformed;
  if (const auto error = checkClaims(*claims)) return *error;
  return std::move(*claims);
}

Result<const JwsKey*, VerifyError> JwtVerifier::keyFor(const nlohmann::json& header) const {
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return VerifyError::kMalformed;
  const auto& name = alg->get_ref<const std::string&>();
  if (equalsIgnoringCase(name, "none")) return VerifyError::kUnsupportedAlg;
  const auto parsed = parseJwsAlgorithm(name);
  if (!parsed) return VerifyError::kUnsupportedAlg;
  if (*parsed != alg_) return VerifyError::kAlgMismatch;
  // No header extension is understood, so any critical one must be refused (RFC 7515 §4.1.11).
  if (header.contains("crit")) return VerifyError::kMalformed;
  if (key_) return &*key_;

  const auto kid = header.find("kid");
  if (kid != header.end() && !kid->is_string()) return VerifyError::kMalformed;
  const JwsKey* found = keySet_->find(kid == header.end() ? std::string_view{} : kid->get_ref<const std::string&>());
  if (found == nullptr) return VerifyError::kUnknownKid;
  if (found->algorithm() != alg_) return VerifyError::kAlgMismatch;
  return found;
}

std::optional<VerifyError> JwtVerifier::checkClaims(const nlohmann::json& claims) const {
  const auto exp = numericDate(claims, "exp");
  const auto nbf = numericDate(claims, "nbf");
  const auto iat = numericDate(claims, "iat");
  if (!exp || !nbf || !iat) return VerifyError::kMalformed;
  if (!*exp) return VerifyError::kMissingExp;

  const auto now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(options_.clock().time_since_epoch()).count());
  const auto leeway = static_cast<double>(options_.leeway.count());
  if (now - leeway >= **exp) return VerifyError::kExpired;
  if (*nbf && now + leeway < **nbf) return VerifyError::kNotYetValid;
  if (*iat && now + leeway < **iat) return VerifyError::kNotYetValid;

  if (!options_.issuer.empty()) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() || *iss != options_.issuer) return VerifyError::kWrongIssuer;
  }
  if (!options_.audience.empty() && !audienceMatches(claims, options_.audience)) return VerifyError::kWrongAudience;
  return std::nullopt;
}

}  // namespace monti::auth::crypto
