// Declares an ABI version this monti does not have: the loader must refuse it by name.
#include <monti/plugin/Plugin.hpp>

namespace {
monti::Plugin* create() noexcept { return nullptr; }
void destroy(monti::Plugin* plugin) noexcept { delete plugin; }  // NOLINT(cppcoreguidelines-owning-memory)
constexpr monti::PluginInfo kInfo{monti::kPluginAbiVersion + 998, "bad_abi", "0.0.1", nullptr, &create, &destroy};
}  // namespace

extern "C" const monti::PluginInfo* monti_plugin_info() { return &kInfo; }
