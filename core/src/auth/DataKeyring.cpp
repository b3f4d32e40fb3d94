#include "auth/DataKeyring.hpp"

#include "auth/crypto/Base64.hpp"
#include "config/ConfigSection.hpp"

#include <monti/config/ConfigError.hpp>

#include <map>

namespace monti::auth {

DataKeyring::DataKeyring(const std::string& keyring) {
  std::map<std::string, std::string> keys;
  std::string current;
  for (const auto& entry : config::splitList(keyring)) {
    const auto colon = entry.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw config::ConfigError("config: data.key: expected id:base64key entries separated by commas");
    }
    const auto id = entry.substr(0, colon);
    auto encoded = entry.substr(colon + 1);
    while (!encoded.empty() && encoded.back() == '=')
      encoded.pop_back();  // `openssl rand -base64 32` pads
    auto key = crypto::base64Decode(encoded);
    if (!key || key->size() != 32) {
      throw config::ConfigError("config: data.key: the key \"" + id + "\" must be 32 bytes in standard base64");
    }
    if (current.empty()) current = id;
    keys.emplace(id, std::move(*key));
  }
  if (keys.empty()) throw config::ConfigError("config: data.key: no key given");
  try {
    cipher_ = std::make_unique<crypto::FieldCipher>(keys, current);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("config: data.key: ") + e.what());
  }
}

std::string DataKeyring::encrypt(std::string_view plaintext, std::string_view associatedData) const {
  return cipher_->encrypt(plaintext, associatedData);
}

std::optional<std::string> DataKeyring::decrypt(std::string_view stored, std::string_view associatedData) const {
  auto result = cipher_->decrypt(stored, associatedData);
  if (!result) return std::nullopt;
  return std::move(result).value();
}

}  // namespace monti::auth
