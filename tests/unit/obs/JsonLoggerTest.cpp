#include "obs/JsonLogger.hpp"

#include "MemoryFile.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace monti::obs {
namespace {

using testing::MemoryFile;

TEST(JsonLogger, WritesOneJsonObjectPerLineWithStandardFields) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "pod-1");
  logger.info("started", {{"port", 8080}});
  logger.warn("second");
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["msg"], "started");
  EXPECT_EQ(first["pod"], "pod-1");
  EXPECT_EQ(first["port"], 8080);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "warn");
}

TEST(JsonLogger, TimestampIsIsoUtcWithMilliseconds) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  logger.info("x");
  const std::string ts = nlohmann::json::parse(out.lines().at(0))["ts"];
  EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << ts;
}

TEST(JsonLogger, DropsMessagesBelowTheMinimumLevel) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::warn, "p");
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["msg"], "w");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "e");
}

TEST(JsonLogger, SetLevelChangesFiltering) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::error, "p");
  EXPECT_FALSE(logger.enabled(LogLevel::info));
  logger.setLevel(LogLevel::debug);
  EXPECT_TRUE(logger.enabled(LogLevel::debug));
  logger.debug("now visible");
  EXPECT_EQ(out.lines().size(), 1u);
}

TEST(JsonLogger, EscapesQuotesBackslashesAndControlCharacters) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  const std::string message = std::string("a\"b\\c\nd\re\tf") + '\x01' + '\x1f' + "g";
  logger.info(message);
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 1u) << "a newline in the message must not split the line";
  EXPECT_EQ(nlohmann::json::parse(lines[0])["msg"], message);
}

TEST(JsonLogger, ReplacesInvalidUtf8InTheMessage) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  logger.info(std::string("bad \xff\xfe then \xc3\x28 and truncated \xe2\x82"));
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto parsed = nlohmann::json::parse(lines[0]);
  EXPECT_NE(parsed["msg"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
}

TEST(JsonLogger, RejectsOverlongAndSurrogateEncodings) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  logger.info(std::string("overlong \xc0\xaf surrogate \xed\xa0\x80"));
  EXPECT_TRUE(nlohmann::json::accept(out.lines().at(0)));
}

TEST(JsonLogger, KeepsValidMultibyteUtf8) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  const std::string message = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  logger.info(message);
  EXPECT_EQ(nlohmann::json::parse(out.lines().at(0))["msg"], message);
}

TEST(JsonLogger, InvalidUtf8InFieldsStillGivesValidJson) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  logger.info("x", {{"path", std::string("/a\xff")}});
  EXPECT_TRUE(nlohmann::json::accept(out.lines().at(0)));
}

TEST(JsonLogger, ConcurrentLinesDoNotInterleave) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < 200; ++i)
        logger.info("message", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& thread : threads)
    thread.join();
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 800u);
  for (const auto& line : lines)
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
}

TEST(JsonLogger, WriteLineWritesThePreparedLineAndANewline) {
  MemoryFile out;
  JsonLogger logger(out.file(), LogLevel::debug, "p");
  logger.writeLine(R"({"a":1})");
  EXPECT_EQ(out.text(), "{\"a\":1}\n");
}

TEST(AppendJsonString, QuotesAndEscapes) {
  std::string out;
  appendJsonString(out, "a\"b");
  EXPECT_EQ(out, R"("a\"b")");
}

TEST(AppendJsonString, EscapesOtherControlCharactersAsUnicode) {
  std::string out;
  appendJsonString(out, std::string(1, '\x07'));
  EXPECT_EQ(out, R"("\u0007")");
}

TEST(AppendJsonString, ReplacesAnInvalidByteWithReplacementCharacter) {
  std::string out;
  appendJsonString(out, "\xff");
  EXPECT_EQ(out, R"("\ufffd")");
}

}  // namespace
}  // namespace monti::obs
