#pragma once
/// How a plugin declares its HTTP routes.

#include <monti/http/Request.hpp>
#include <monti/http/Response.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace monti::http {

/// Permission that lets anonymous callers in.
inline constexpr std::string_view kPublic = "public";
/// Permission that any authenticated caller holds.
inline constexpr std::string_view kAuthenticated = "authenticated";

/// Called concurrently from the HTTP worker threads.
using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  /// Required: a permission such as "read:agents", or kPublic / kAuthenticated.
  std::string permission;
};

/// Plugin routes live under /api/v1 (and the /api alias): register "/agents/:id", not the prefix.
class RouteRegistry {
 public:
  virtual ~RouteRegistry() = default;
  /// Throws RegistrationError for a duplicate route, a malformed pattern or a missing permission.
  virtual void add(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options) = 0;

  void get(std::string_view p, Handler h, RouteOptions o) { add("GET", p, std::move(h), std::move(o)); }
  void post(std::string_view p, Handler h, RouteOptions o) { add("POST", p, std::move(h), std::move(o)); }
  void put(std::string_view p, Handler h, RouteOptions o) { add("PUT", p, std::move(h), std::move(o)); }
  void patch(std::string_view p, Handler h, RouteOptions o) { add("PATCH", p, std::move(h), std::move(o)); }
  void del(std::string_view p, Handler h, RouteOptions o) { add("DELETE", p, std::move(h), std::move(o)); }
};

}  // namespace monti::http
