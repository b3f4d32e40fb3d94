#include "config/ConfigStore.hpp"

#include "obs/Redact.hpp"

#include <monti/config/ConfigError.hpp>

#include <algorithm>
#include <cctype>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not declared by <unistd.h> in C++

namespace monti::config {

ConfigStore::ConfigStore(std::map<std::string, FileValue> fileValues, std::string fileName,
                         std::map<std::string, std::string> environment)
    : file_(std::move(fileValues)), fileName_(std::move(fileName)), env_(std::move(environment)) {}

std::map<std::string, std::string> ConfigStore::processEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::optional<RawValue> ConfigStore::declare(const KeySpec& spec) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = declared_.emplace(spec.key, spec);
  if (!inserted && it->second.env != spec.env) {
    throw ConfigError("config: key " + spec.key + " declared twice with different environment variables");
  }
  return lookup(spec);
}

std::optional<RawValue> ConfigStore::lookup(const KeySpec& spec) const {
  if (auto e = env_.find(spec.env); e != env_.end()) return RawValue{e->second, "env " + spec.env};
  if (auto f = file_.find(spec.key); f != file_.end()) {
    return RawValue{f->second.value, fileName_ + ":" + std::to_string(f->second.line)};
  }
  return std::nullopt;
}

void ConfigStore::rejectUnknownFileKeys(const std::string& sectionPrefix,
                                        const std::vector<std::string>& exceptPrefixes) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : file_) {
    const std::string& key = entry.first;
    if (key.rfind(sectionPrefix, 0) != 0 || declared_.count(key) != 0) continue;
    const bool excepted = std::any_of(exceptPrefixes.begin(), exceptPrefixes.end(),
                                      [&key](const std::string& prefix) { return key.rfind(prefix, 0) == 0; });
    if (excepted) continue;
    throw ConfigError("config: " + fileName_ + ":" + std::to_string(entry.second.line) + ": unknown key \"" + key +
                      "\" (see docs/configuration.md for the keys Monti reads)");
  }
}

void ConfigStore::rejectUnknownEnvironment(const std::vector<std::string>& alsoKnown) const {
  std::lock_guard lock(mutex_);
  for (const auto& variable : env_) {
    const std::string& name = variable.first;
    if (name.rfind("MONTI_", 0) != 0) continue;
    if (std::find(alsoKnown.begin(), alsoKnown.end(), name) != alsoKnown.end()) continue;
    const bool known = std::any_of(declared_.begin(), declared_.end(),
                                   [&name](const auto& entry) { return entry.second.env == name; });
    if (!known) {
      throw ConfigError("config: unknown environment variable " + name +
                        " (see docs/configuration.md for the variables Monti reads)");
    }
  }
}

std::vector<KeySpec> ConfigStore::declared() const {
  std::lock_guard lock(mutex_);
  std::vector<KeySpec> specs;
  specs.reserve(declared_.size());
  for (const auto& [key, spec] : declared_)
    specs.push_back(spec);
  return specs;
}

std::string ConfigStore::displayValue(const KeySpec& spec) const {
  std::lock_guard lock(mutex_);
  const auto raw = lookup(spec);
  const std::string value = raw ? raw->value : spec.defaultValue;
  if (spec.secret) return value.empty() ? "" : "****";
  return maskUrlPassword(value);
}

std::string ConfigStore::origin(const KeySpec& spec) const {
  std::lock_guard lock(mutex_);
  const auto raw = lookup(spec);
  return raw ? raw->origin : "default";
}

std::string maskUrlPassword(const std::string& value) { return obs::redactSecrets(value); }

std::string derivedEnvName(const std::string& key) {
  std::string env = "MONTI_";
  for (char c : key)
    env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

}  // namespace monti::config
