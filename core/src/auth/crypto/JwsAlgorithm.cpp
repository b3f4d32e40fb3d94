#include "auth/crypto/JwsAlgorithm.hpp"

namespace monti::auth::crypto {

std::string_view toString(JwsAlgorithm alg) noexcept {
  switch (alg) {
    case JwsAlgorithm::kHs256:
      return "HS256";
    case JwsAlgorithm::kRs256:
      return "RS256";
    case JwsAlgorithm::kEs256:
      return "ES256";
  }
  return "?";
}

std::optional<JwsAlgorithm> parseJwsAlgorithm(std::string_view name) noexcept {
  if (name == "HS256") return JwsAlgorithm::kHs256;
  if (name == "RS256") return JwsAlgorithm::kRs256;
  if (name == "ES256") return JwsAlgorithm::kEs256;
  return std::nullopt;
}

}  // namespace monti::auth::crypto
