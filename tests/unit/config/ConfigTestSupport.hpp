#pragma once

#include "config/ConfigStore.hpp"
#include "config/IniFile.hpp"

#include <map>
#include <memory>
#include <string>

namespace monti::config::testing {

/// A store over an INI text named "monti.ini" and a fake environment.
inline std::unique_ptr<ConfigStore> makeStore(const std::string& ini,
                                              std::map<std::string, std::string> environment = {}) {
  return std::make_unique<ConfigStore>(parseIni(ini, "monti.ini"), "monti.ini", std::move(environment));
}

}  // namespace monti::config::testing
