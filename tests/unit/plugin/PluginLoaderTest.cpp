#include "plugin/PluginLoader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace monti::plugin {
namespace {

const std::filesystem::path kDir = MONTI_TEST_PLUGIN_DIR;

std::string loadError(const std::vector<std::string>& enabled) {
  try {
    PluginLoader(kDir).load(enabled);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "";
}

TEST(PluginLoader, LoadsTheExamplePluginWithItsVersion) {
  auto plugins = PluginLoader(kDir).load({"example"});
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0].name, "example");
  EXPECT_EQ(plugins[0].version, "1.2.3");
  EXPECT_EQ(plugins[0].file, kDir / "example.so");
  EXPECT_NE(plugins[0].instance, nullptr);
}

TEST(PluginLoader, LoadingNothingIsFine) { EXPECT_TRUE(PluginLoader(kDir).load({}).empty()); }

TEST(PluginLoader, RefusesAnAbiMismatchNamingPluginFileAndBothVersions) {
  const auto error = loadError({"bad_abi"});
  const auto file = (kDir / "bad_abi.so").string();
  EXPECT_EQ(error, "plugin bad_abi (" + file + "): built for plugin ABI " + std::to_string(kPluginAbiVersion + 998) +
                       ", this monti has ABI " + std::to_string(kPluginAbiVersion) +
                       "; rebuild the plugin against this version");
}

TEST(PluginLoader, RefusesALibraryWithoutEntryPoint) {
  const auto file = (kDir / "no_entry.so").string();
  EXPECT_EQ(loadError({"no_entry"}), "plugin no_entry (" + file + "): no entry point monti_plugin_info()");
}

TEST(PluginLoader, RefusesAnUnknownName) {
  const auto error = loadError({"nope"});
  EXPECT_EQ(error.rfind("plugin nope (" + (kDir / "nope.so").string() + "): no such file", 0), 0u) << error;
}

TEST(PluginLoader, RefusesAPluginListedTwice) {
  EXPECT_EQ(loadError({"example", "example"}), "plugin example is listed twice in plugins.enabled");
}

TEST(PluginLoader, OneBadPluginFailsTheWholeLoad) {
  EXPECT_NE(loadError({"example", "no_entry"}).find("no_entry"), std::string::npos);
}

TEST(PluginLoader, AvailableListsEverySharedLibrarySortedByName) {
  const auto available = PluginLoader(kDir).available();
  std::vector<std::string> names;
  names.reserve(available.size());
  for (const auto& plugin : available)
    names.push_back(plugin.name);
  EXPECT_EQ(names, (std::vector<std::string>{"bad_abi", "example", "failing_register", "late_register", "no_entry"}));
}

TEST(PluginLoader, AvailableFillsVersionForGoodAndProblemForBadPlugins) {
  for (const auto& plugin : PluginLoader(kDir).available()) {
    if (plugin.name == "example") {
      EXPECT_EQ(plugin.version, "1.2.3");
      EXPECT_EQ(plugin.problem, "");
    } else if (plugin.name == "bad_abi") {
      EXPECT_NE(plugin.problem.find("ABI"), std::string::npos) << plugin.problem;
    } else if (plugin.name == "no_entry") {
      EXPECT_NE(plugin.problem.find("no entry point"), std::string::npos) << plugin.problem;
    } else {
      EXPECT_EQ(plugin.problem, "") << plugin.name;
    }
  }
}

TEST(PluginLoader, AvailableInAMissingFolderIsEmpty) {
  EXPECT_TRUE(PluginLoader(kDir / "does-not-exist").available().empty());
}

}  // namespace
}  // namespace monti::plugin
