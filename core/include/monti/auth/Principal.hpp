#pragma once
/// Who made a request, as the auth service established it.

#include <cstdint>
#include <string>
#include <vector>

namespace monti::auth {

/// An authenticated user or API key. Immutable once a request carries it.
struct Principal {
  std::string id;  ///< user id (decimal) or "apikey:<id>"
  std::string username;
  std::string role;  ///< admin | cs | viewer | service
  std::string tenant;
  std::vector<std::string> departments;  ///< empty: every department of the tenant
  std::vector<std::string> locations;    ///< empty: every location of the tenant
  std::vector<std::string> permissions;  ///< e.g. "read:agents"; "*" grants everything
  std::string tokenId;                   ///< jti of the access token ("" for API keys)
  std::int64_t expiresAt = 0;            ///< exp of the access token, Unix seconds (0: does not expire)

  /// True when `permissions` holds `permission` or "*".
  bool has(std::string_view permission) const;
  /// Seed 001 §7.1 requireSelfOrAdmin: true for the user `userId` themself or an admin (permission "*").
  bool isSelfOrAdmin(std::string_view userId) const;
};

}  // namespace monti::auth
