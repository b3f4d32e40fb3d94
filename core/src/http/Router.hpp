#pragma once

#include <monti/http/RouteRegistry.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace monti::http {

/// A registered route and what it needs at request time.
struct Route {
  std::string method;      ///< GET, POST, PUT, PATCH or DELETE
  std::string pattern;     ///< full pattern, e.g. /api/v1/agents/:id
  std::string permission;  ///< kPublic, kAuthenticated or a permission name
  std::string owner;       ///< "core" or the plugin's name
  Handler handler;
};

/// The outcome of matching a path: a route, or the methods the path does allow (405), or nothing (404).
struct RouteMatch {
  const Route* route = nullptr;
  Request::Pairs params;
  std::vector<std::string> allowedMethods;  ///< filled when the path exists but not for this method
  bool pathExists() const noexcept { return route != nullptr || !allowedMethods.empty(); }
};

/// Segment trie of routes. Static segments win over parameters (`/agents/stats` before `/agents/:id`).
/// Built at start-up on one thread, then only read (concurrently) while serving.
class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Throws RegistrationError on a malformed pattern, a duplicate, a missing permission or handler,
  /// or a parameter whose name differs from one already at that position.
  void add(Route route);
  /// An empty `method` only asks which methods the path allows (allowedMethods).
  RouteMatch match(std::string_view method, std::string_view path) const;
  /// Every route, in registration order.
  std::vector<const Route*> routes() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

/// Splits "/a/b/" into {"a","b"}; "/" into {}.
std::vector<std::string_view> splitPath(std::string_view path);

}  // namespace monti::http
