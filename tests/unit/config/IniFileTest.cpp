#include "config/IniFile.hpp"

#include <monti/config/ConfigError.hpp>

#include <gtest/gtest.h>

#include <string>

namespace monti::config {
namespace {

// The ConfigError message of parsing `text` as "monti.ini", or "" when it parses.
std::string parseError(const std::string& text) {
  try {
    parseIni(text, "monti.ini");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(IniFile, KeysComeBackAsSectionDotKeyWithTheirLine) {
  auto values = parseIni("[server]\nport = 8080\n\n[database]\nurl=postgresql://h/db\n", "monti.ini");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values.at("server.port").value, "8080");
  EXPECT_EQ(values.at("server.port").line, 2);
  EXPECT_EQ(values.at("database.url").value, "postgresql://h/db");
  EXPECT_EQ(values.at("database.url").line, 5);
}

TEST(IniFile, DottedSectionNamesNestKeys) {
  auto values = parseIni("[plugin.agents]\ncache_size = 10\n", "monti.ini");
  EXPECT_EQ(values.at("plugin.agents.cache_size").value, "10");
}

TEST(IniFile, SkipsCommentAndBlankLines) {
  auto values = parseIni("; a comment\n# another\n[log]\n  ; indented comment\n\nlevel = debug\n", "monti.ini");
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values.at("log.level").value, "debug");
  EXPECT_EQ(values.at("log.level").line, 6);
}

TEST(IniFile, TrimsBlanksAroundKeysAndValues) {
  auto values = parseIni("[log]\n\t level \t=\t debug \r\n", "monti.ini");
  EXPECT_EQ(values.at("log.level").value, "debug");
}

TEST(IniFile, QuotedValueKeepsBlanksAndSemicolons) {
  auto values = parseIni("[plugin.example]\ngreeting = \"  hi; there  \"\n", "monti.ini");
  EXPECT_EQ(values.at("plugin.example.greeting").value, "  hi; there  ");
}

TEST(IniFile, EmptyValueIsAllowed) {
  auto values = parseIni("[redis]\nurl =\n", "monti.ini");
  EXPECT_EQ(values.at("redis.url").value, "");
}

TEST(IniFile, ValueMayContainEqualsSigns) {
  auto values = parseIni("[database]\nurl = postgresql://h/db?sslmode=require\n", "monti.ini");
  EXPECT_EQ(values.at("database.url").value, "postgresql://h/db?sslmode=require");
}

TEST(IniFile, KeyOutsideSectionNamesFileAndLine) {
  EXPECT_EQ(parseError("\nport = 8080\n"), "config: monti.ini:2: key \"port\" is outside a [section]");
}

TEST(IniFile, DuplicateKeyNamesBothLines) {
  EXPECT_EQ(parseError("[server]\nport = 1\nport = 2\n"),
            "config: monti.ini:3: \"server.port\" is set twice (first on line 2)");
}

TEST(IniFile, DuplicateKeyAcrossRepeatedSectionIsRejected) {
  EXPECT_NE(parseError("[server]\nport = 1\n[log]\nlevel = info\n[server]\nport = 2\n").find("monti.ini:6:"),
            std::string::npos);
}

TEST(IniFile, UppercaseKeyIsRejectedWithFileAndLine) {
  const auto error = parseError("[server]\nPort = 1\n");
  EXPECT_EQ(error.rfind("config: monti.ini:2: key \"Port\"", 0), 0u) << error;
}

TEST(IniFile, KeyWithDashIsRejected) {
  const auto error = parseError("[server]\nmax-body = 1\n");
  EXPECT_EQ(error.rfind("config: monti.ini:2: key \"max-body\"", 0), 0u) << error;
}

TEST(IniFile, EmptyKeyIsRejected) {
  const auto error = parseError("[server]\n= 1\n");
  EXPECT_EQ(error.rfind("config: monti.ini:2: key \"\"", 0), 0u) << error;
}

TEST(IniFile, LineWithoutEqualsIsRejected) {
  EXPECT_EQ(parseError("[server]\nport 8080\n"), "config: monti.ini:2: expected 'key = value'");
}

TEST(IniFile, UnclosedSectionIsRejected) {
  EXPECT_EQ(parseError("[server\n"), "config: monti.ini:1: expected ']' to close the section name");
}

TEST(IniFile, BadSectionNameIsRejected) {
  const auto error = parseError("[Server]\n");
  EXPECT_EQ(error.rfind("config: monti.ini:1: section name \"Server\"", 0), 0u) << error;
}

TEST(IniFile, MissingFileIsAConfigError) { EXPECT_THROW(readIniFile("/nonexistent/monti.ini"), ConfigError); }

}  // namespace
}  // namespace monti::config
