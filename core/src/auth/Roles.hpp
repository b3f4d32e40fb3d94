#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace monti::auth {

/// Seed 001 §7.1: admin `*`; cs read:agents, update:self, read:performance, update:status; viewer
/// read:agents, read:performance. Unknown roles get nothing.
const std::vector<std::string>& permissionsFor(std::string_view role);

/// True for admin, cs and viewer.
bool isKnownRole(std::string_view role);

}  // namespace monti::auth
