#pragma once

#include <monti/obs/Logger.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace monti::obs {

/// Writes one JSON object per line: {"ts","level","msg","pod",...fields}. Thread-safe; a line is
/// written with one fwrite under a mutex so lines from concurrent threads never interleave.
class JsonLogger final : public Logger {
 public:
  JsonLogger(std::FILE* out, LogLevel minLevel, std::string podId);

  bool enabled(LogLevel level) const noexcept override { return level >= minLevel_.load(std::memory_order_relaxed); }
  void log(LogLevel level, std::string_view message, const nlohmann::json& fields) override;
  /// Writes a line that was already serialised (the access log builds its own without a JSON tree).
  void writeLine(std::string_view line);

  void setLevel(LogLevel level) noexcept { minLevel_.store(level, std::memory_order_relaxed); }
  const std::string& podId() const noexcept { return podId_; }

 private:
  std::FILE* out_;
  std::atomic<LogLevel> minLevel_;
  std::string podId_;
  std::mutex mutex_;
};

const char* levelName(LogLevel level) noexcept;
/// Appends `text` to `out` as a JSON string literal (quotes included).
void appendJsonString(std::string& out, std::string_view text);

}  // namespace monti::obs
