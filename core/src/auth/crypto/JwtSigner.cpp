#include "auth/crypto/JwtSigner.hpp"

#include "auth/crypto/Base64.hpp"

#include <stdexcept>

namespace monti::auth::crypto {

JwtSigner::JwtSigner(JwsKey key, std::string kid) : key_(std::move(key)) {
  if (!key_.canSign()) throw std::invalid_argument("JwtSigner: the key is public only; a private key is needed");
  nlohmann::json header = {{"alg", std::string{toString(key_.algorithm())}}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = std::move(kid);
  encodedHeader_ = base64UrlEncode(header.dump());
}

std::string JwtSigner::sign(const nlohmann::json& claims) const {
  if (!claims.is_object()) throw std::invalid_argument("JwtSigner: claims must be a JSON object");
  std::string token = encodedHeader_ + "." + base64UrlEncode(claims.dump());
  const std::string signature = key_.sign(token);
  token += '.';
  token += base64UrlEncode(signature);
  return token;
}

}  // namespace monti::auth::crypto
