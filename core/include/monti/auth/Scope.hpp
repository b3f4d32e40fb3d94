#pragma once
/// Tenant, department and location scoping (seed 000): what part of the data a caller may see.

#include <monti/auth/Principal.hpp>

#include <string>
#include <string_view>

namespace monti::auth {

/// True when a row of `tenant`, `department` and `location` is visible to `user`: same tenant always,
/// and, when the user's token lists departments or locations, one of those (an empty list means all).
bool canSee(const Principal& user, std::string_view tenant, std::string_view department, std::string_view location);

/// Parameters for the standard scope clause of list and stats queries:
///   WHERE tenant_id = $1
///     AND (cardinality($2::text[]) = 0 OR department = ANY($2::text[]))
///     AND (cardinality($3::text[]) = 0 OR location = ANY($3::text[]))
struct ScopeParams {
  std::string tenant;
  std::string departments;  ///< a text[] literal, "{}" for all
  std::string locations;    ///< a text[] literal, "{}" for all
};
ScopeParams scopeParams(const Principal& user);

}  // namespace monti::auth
