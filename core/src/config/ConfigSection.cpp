#include "config/ConfigSection.hpp"

#include <monti/config/ConfigError.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

namespace monti::config {
namespace {

[[noreturn]] void invalid(const std::string& key, const RawValue& raw, const std::string& expected) {
  throw ConfigError("config: " + key + " = \"" + raw.value + "\" (" + raw.origin + "): expected " + expected);
}

std::string formatDuration(std::chrono::milliseconds ms) {
  const auto n = ms.count();
  if (n != 0 && n % 86'400'000 == 0) return std::to_string(n / 86'400'000) + "d";
  if (n != 0 && n % 3'600'000 == 0) return std::to_string(n / 3'600'000) + "h";
  if (n != 0 && n % 60'000 == 0) return std::to_string(n / 60'000) + "m";
  if (n != 0 && n % 1000 == 0) return std::to_string(n / 1000) + "s";
  return std::to_string(n) + "ms";
}

}  // namespace

ConfigSection::ConfigSection(ConfigStore& store, std::string name) : store_(store), name_(std::move(name)) {}

std::optional<RawValue> ConfigSection::declare(std::string_view key, std::string type, std::string defaultValue,
                                               const KeyInfo& info) {
  KeySpec spec;
  spec.key = name_ + "." + std::string(key);
  spec.env = info.env.empty() ? derivedEnvName(spec.key) : std::string(info.env);
  spec.type = std::move(type);
  spec.defaultValue = std::move(defaultValue);
  spec.help = std::string(info.help);
  spec.secret = info.secret;
  return store_.declare(spec);
}

std::string ConfigSection::string(std::string_view key, std::string_view fallback, const KeyInfo& info) {
  auto raw = declare(key, "string", std::string(fallback), info);
  return raw ? raw->value : std::string(fallback);
}

std::string ConfigSection::choice(std::string_view key, std::string_view fallback,
                                  const std::vector<std::string>& allowed, const KeyInfo& info) {
  std::string expected;
  for (const auto& a : allowed)
    expected += (expected.empty() ? "" : ", ") + a;
  auto raw = declare(key, "one of " + expected, std::string(fallback), info);
  if (!raw) return std::string(fallback);
  const auto sameIgnoringCase = [&raw](const std::string& a) {
    return a.size() == raw->value.size() && std::equal(a.begin(), a.end(), raw->value.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  const auto it = std::find_if(allowed.begin(), allowed.end(), sameIgnoringCase);
  if (it == allowed.end()) invalid(name_ + "." + std::string(key), *raw, "one of " + expected);
  return *it;
}

std::int64_t ConfigSection::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max,
                                    const KeyInfo& info) {
  auto raw =
      declare(key, "integer " + std::to_string(min) + ".." + std::to_string(max), std::to_string(fallback), info);
  return raw ? parseInteger(name_ + "." + std::string(key), *raw, min, max) : fallback;
}

bool ConfigSection::boolean(std::string_view key, bool fallback, const KeyInfo& info) {
  auto raw = declare(key, "boolean", fallback ? "true" : "false", info);
  return raw ? parseBoolean(name_ + "." + std::string(key), *raw) : fallback;
}

std::chrono::milliseconds ConfigSection::duration(std::string_view key, std::chrono::milliseconds fallback,
                                                  const KeyInfo& info) {
  auto raw = declare(key, "duration", formatDuration(fallback), info);
  return raw ? parseDuration(name_ + "." + std::string(key), *raw, info.bareNumberUnit) : fallback;
}

std::vector<std::string> ConfigSection::list(std::string_view key, std::string_view fallback, const KeyInfo& info) {
  auto raw = declare(key, "comma list", std::string(fallback), info);
  return splitList(raw ? raw->value : fallback);
}

std::int64_t parseInteger(const std::string& key, const RawValue& raw, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const char* begin = raw.value.data();
  const char* end = begin + raw.value.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (raw.value.empty() || ec != std::errc{} || ptr != end || value < min || value > max) {
    invalid(key, raw, "an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  return value;
}

bool parseBoolean(const std::string& key, const RawValue& raw) {
  const std::string& v = raw.value;
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  invalid(key, raw, "true or false");
}

std::chrono::milliseconds parseDuration(const std::string& key, const RawValue& raw,
                                        std::chrono::milliseconds bareNumberUnit) {
  const std::string& v = raw.value;
  std::int64_t number = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
  const std::string unit(ptr, v.data() + v.size());
  std::int64_t factor = 0;
  if (unit.empty())
    factor = bareNumberUnit.count();
  else if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60'000;
  else if (unit == "h")
    factor = 3'600'000;
  else if (unit == "d")
    factor = 86'400'000;
  if (v.empty() || ec != std::errc{} || ptr == v.data() || factor == 0 || number < 0 ||
      number > std::numeric_limits<std::int64_t>::max() / factor) {
    invalid(key, raw, "a duration such as 250ms, 30s, 5m, 24h or 7d");
  }
  return std::chrono::milliseconds(number * factor);
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    const auto first = item.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
      items.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace monti::config
