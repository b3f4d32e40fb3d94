#include "config/IniFile.hpp"

#include <monti/config/ConfigError.hpp>

#include <fstream>
#include <sstream>
#include <string_view>

namespace monti::config {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool isKeyChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'; }

bool isValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!isKeyChar(c)) return false;
  }
  return true;
}

// A value may be quoted to keep blanks, ';' or '#'; otherwise " ;" or " #" starts a trailing comment.
std::string parseValue(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"') {
    const auto close = v.find('"', 1);
    if (close != std::string_view::npos && trim(v.substr(close + 1)).find_first_not_of(";#") != 0) {
      return std::string(v.substr(1, close - 1));
    }
  }
  for (std::size_t i = 1; i < v.size(); ++i) {
    if ((v[i] == ';' || v[i] == '#') && (v[i - 1] == ' ' || v[i - 1] == '\t')) return std::string(trim(v.substr(0, i)));
  }
  return std::string(v);
}

}  // namespace

std::map<std::string, FileValue> parseIni(const std::string& text, const std::string& fileName) {
  std::map<std::string, FileValue> values;
  std::istringstream in(text);
  std::string rawLine;
  std::string section;
  int lineNo = 0;
  auto fail = [&](const std::string& why) {
    throw ConfigError("config: " + fileName + ":" + std::to_string(lineNo) + ": " + why);
  };
  while (std::getline(in, rawLine)) {
    ++lineNo;
    const std::string_view line = trim(rawLine);
    if (line.empty() || line.front() == ';' || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']') fail("expected ']' to close the section name");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      if (!isValidName(section)) fail("section name \"" + section + "\" must be lowercase letters, digits, '_' or '.'");
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) fail("expected 'key = value'");
    const std::string key(trim(line.substr(0, eq)));
    if (!isValidName(key)) fail("key \"" + key + "\" must be lowercase letters, digits, '_' or '.'");
    if (section.empty()) fail("key \"" + key + "\" is outside a [section]");
    const std::string full = section + "." + key;
    if (values.count(full) != 0)
      fail("\"" + full + "\" is set twice (first on line " + std::to_string(values[full].line) + ")");
    values.emplace(full, FileValue{parseValue(trim(line.substr(eq + 1))), lineNo});
  }
  return values;
}

std::map<std::string, FileValue> readIniFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw ConfigError("config: cannot read config file \"" + path + "\"");
  std::ostringstream text;
  text << file.rdbuf();
  return parseIni(text.str(), path);
}

}  // namespace monti::config
