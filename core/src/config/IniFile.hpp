#pragma once

#include <map>
#include <string>

namespace monti::config {

/// One value read from the config file, with where it came from for error messages.
struct FileValue {
  std::string value;
  int line = 0;
};

/// Parses the INI subset Monti's config uses: `[section]`, `key = value`, `;`/`#` comment lines.
/// Keys come back as "section.key". Throws ConfigError naming file and line on a malformed line.
std::map<std::string, FileValue> parseIni(const std::string& text, const std::string& fileName);

/// Reads and parses a file; a missing or unreadable file is a ConfigError.
std::map<std::string, FileValue> readIniFile(const std::string& path);

}  // namespace monti::config
