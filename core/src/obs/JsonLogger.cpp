#include "obs/JsonLogger.hpp"

#include "obs/IsoTime.hpp"

#include <chrono>
#include <ctime>

namespace monti::obs {

JsonLogger::JsonLogger(std::FILE* out, LogLevel minLevel, std::string podId)
    : out_(out), minLevel_(minLevel), podId_(std::move(podId)) {}

void JsonLogger::log(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  std::string line;
  line.reserve(128);
  line += "{\"ts\":\"";
  line += isoTimestampNow();
  line += "\",\"level\":\"";
  line += levelName(level);
  line += "\",\"msg\":";
  appendJsonString(line, message);
  line += ",\"pod\":";
  appendJsonString(line, podId_);
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      line += ',';
      appendJsonString(line, key);
      line += ':';
      line += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  line += '}';
  writeLine(line);
}

void JsonLogger::writeLine(std::string_view line) {
  std::lock_guard lock(mutex_);
  // cppcheck-suppress invalidLifetime ; false positive of cppcheck 2.10 on a string_view parameter
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

const char* levelName(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8.
std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned min = 0;
  unsigned code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
    min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
    min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
    min = 0x10000;
  } else
    return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = (code << 6u) | (byte(i + k) & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4u];
      out += kHex[c & 0xFu];
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (const auto n = utf8SequenceLength(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n - 1;
    } else {
      out += "\\ufffd";  // invalid UTF-8 from a client must not make the log line invalid JSON
    }
  }
  out += '"';
}

}  // namespace monti::obs
