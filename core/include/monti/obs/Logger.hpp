#pragma once
/// Structured logging: one JSON object per line on stdout.

#include <nlohmann/json.hpp>

#include <string_view>

namespace monti::obs {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

/// Thread-safe. Never pass secrets (passwords, tokens, keys) in `fields`.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual bool enabled(LogLevel level) const noexcept = 0;
  virtual void log(LogLevel level, std::string_view message, const nlohmann::json& fields) = 0;

  void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(LogLevel::debug, m, f); }
  void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(LogLevel::info, m, f); }
  void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(LogLevel::warn, m, f); }
  void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(LogLevel::error, m, f); }

 private:
  void write(LogLevel level, std::string_view m, const nlohmann::json& f) {
    if (enabled(level)) log(level, m, f);
  }
};

}  // namespace monti::obs
