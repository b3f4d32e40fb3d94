#pragma once

#include <stdexcept>

namespace monti::config {

/// Invalid, unknown or missing configuration. Its message is the one line start-up prints (exit 78).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace monti::config
