#pragma once

#include "config/ConfigStore.hpp"

#include <monti/config/Section.hpp>

namespace monti::config {

/// One `[section]` of the config, read through the store. Every getter declares the key it reads.
class ConfigSection final : public Section {
 public:
  ConfigSection(ConfigStore& store, std::string name);

  std::string string(std::string_view key, std::string_view fallback, const KeyInfo& info) override;
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                       const KeyInfo& info) override;
  bool boolean(std::string_view key, bool fallback, const KeyInfo& info) override;
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback,
                                     const KeyInfo& info) override;
  std::vector<std::string> list(std::string_view key, std::string_view fallback, const KeyInfo& info) override;

  /// A string that must be one of `allowed` (compared ignoring case); returns the entry of `allowed`.
  std::string choice(std::string_view key, std::string_view fallback, const std::vector<std::string>& allowed,
                     const KeyInfo& info);

  const std::string& name() const noexcept { return name_; }

 private:
  std::optional<RawValue> declare(std::string_view key, std::string type, std::string defaultValue,
                                  const KeyInfo& info);

  ConfigStore& store_;
  std::string name_;
};

/// Converters shared with tests. Each throws ConfigError "config: <key> = "<v>" (<origin>): expected …".
std::int64_t parseInteger(const std::string& key, const RawValue& raw, std::int64_t min, std::int64_t max);
bool parseBoolean(const std::string& key, const RawValue& raw);
std::chrono::milliseconds parseDuration(const std::string& key, const RawValue& raw,
                                        std::chrono::milliseconds bareNumberUnit = std::chrono::milliseconds{1});
std::vector<std::string> splitList(std::string_view text);

}  // namespace monti::config
