#include <monti/auth/Scope.hpp>

#include "auth/AccountRepository.hpp"
#include "data/PgArray.hpp"

#include <algorithm>

namespace monti::auth {
namespace {

bool within(const std::vector<std::string>& allowed, std::string_view value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

bool canSee(const Principal& user, std::string_view tenant, std::string_view department, std::string_view location) {
  return user.tenant == tenant && within(user.departments, department) && within(user.locations, location);
}

ScopeParams scopeParams(const Principal& user) {
  return {user.tenant, data::formatTextArray(user.departments), data::formatTextArray(user.locations)};
}

}  // namespace monti::auth
