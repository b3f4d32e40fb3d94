#pragma once

#include "config/IniFile.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace monti::config {

/// A key somebody declared by reading it: what docs/configuration.md and `monti config check` list.
struct KeySpec {
  std::string key;   ///< "server.port"
  std::string env;   ///< the environment variable that overrides it
  std::string type;  ///< what is expected, e.g. "integer 0..65535"
  std::string defaultValue;
  std::string help;
  bool secret = false;
};

/// A raw value before conversion, with its origin ("env SERVER_PORT", "monti.ini:12", "default").
struct RawValue {
  std::string value;
  std::string origin;
};

/// Raw config values (file + environment snapshot) and the registry of declared keys.
/// Thread-safe, although in practice only the main thread touches it during start-up.
class ConfigStore {
 public:
  ConfigStore(std::map<std::string, FileValue> fileValues, std::string fileName,
              std::map<std::string, std::string> environment);

  /// The environment of this process, for production use.
  static std::map<std::string, std::string> processEnvironment();

  /// Records `spec` and returns the value that applies: environment, then file, then none.
  /// Declaring the same key twice with a different env name is a programming error (ConfigError).
  std::optional<RawValue> declare(const KeySpec& spec);

  /// Throws ConfigError for the first file key under `sectionPrefix` ("" for all) nobody declared,
  /// skipping keys under any of `exceptPrefixes`.
  void rejectUnknownFileKeys(const std::string& sectionPrefix,
                             const std::vector<std::string>& exceptPrefixes = {}) const;
  /// Throws ConfigError for the first MONTI_* variable that is neither declared nor in `alsoKnown`.
  void rejectUnknownEnvironment(const std::vector<std::string>& alsoKnown) const;

  std::vector<KeySpec> declared() const;
  /// The effective value shown to people: secrets masked, passwords in URLs masked.
  std::string displayValue(const KeySpec& spec) const;
  /// Where the effective value comes from: "env X", "file:line" or "default".
  std::string origin(const KeySpec& spec) const;

 private:
  std::optional<RawValue> lookup(const KeySpec& spec) const;

  mutable std::mutex mutex_;
  std::map<std::string, FileValue> file_;
  std::string fileName_;
  std::map<std::string, std::string> env_;
  std::map<std::string, KeySpec> declared_;
};

/// Replaces the password of a URL's user info with "****" ("postgresql://u:****@h/db"), and the value of a
/// password=… query parameter.
std::string maskUrlPassword(const std::string& value);

/// MONTI_<KEY> with dots as underscores, upper-cased: "server.port" → "MONTI_SERVER_PORT".
std::string derivedEnvName(const std::string& key);

}  // namespace monti::config
