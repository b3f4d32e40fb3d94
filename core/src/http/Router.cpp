#include "http/Router.hpp"

#include <monti/plugin/RegistrationError.hpp>

#include "http/PercentDecode.hpp"

#include <algorithm>
#include <array>

namespace monti::http {
namespace {

constexpr std::array<std::string_view, 5> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE"};

bool validParamName(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool validStaticSegment(std::string_view segment) {
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
  });
}

}  // namespace

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
  std::unique_ptr<Node> param;
  std::string paramName;
  std::map<std::string, const Route*, std::less<>> byMethod;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const auto end = path.find('/', i);
    const auto len = (end == std::string_view::npos ? path.size() : end) - i;
    segments.push_back(path.substr(i, len));
    i += len;
  }
  return segments;
}

void Router::add(Route route) {
  const std::string where = route.method + " " + route.pattern + " (" + route.owner + ")";
  if (std::find(kMethods.begin(), kMethods.end(), route.method) == kMethods.end()) {
    throw RegistrationError("route " + where + ": unsupported method");
  }
  if (route.permission.empty()) {
    throw RegistrationError("route " + where +
                            ": no permission declared (use a permission, \"public\" or "
                            "\"authenticated\")");
  }
  if (!route.handler) throw RegistrationError("route " + where + ": no handler");
  if (route.pattern.empty() || route.pattern.front() != '/' || route.pattern.find("//") != std::string::npos) {
    throw RegistrationError("route " + where + ": pattern must start with '/' and have no empty segment");
  }
  Node* node = root_.get();
  for (auto segment : splitPath(route.pattern)) {
    if (segment.front() == ':') {
      const auto name = segment.substr(1);
      if (!validParamName(name))
        throw RegistrationError("route " + where + ": bad parameter name \"" + std::string(segment) + "\"");
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param->paramName = std::string(name);
      } else if (node->param->paramName != name) {
        throw RegistrationError("route " + where + ": parameter \":" + std::string(name) +
                                "\" conflicts with \":" + node->param->paramName + "\" at the same position");
      }
      node = node->param.get();
    } else {
      if (!validStaticSegment(segment))
        throw RegistrationError("route " + where + ": bad segment \"" + std::string(segment) + "\"");
      auto it = node->children.find(segment);
      if (it == node->children.end()) it = node->children.emplace(std::string(segment), std::make_unique<Node>()).first;
      node = it->second.get();
    }
  }
  if (node->byMethod.count(route.method) != 0) {
    const Route* existing = node->byMethod.at(route.method);
    throw RegistrationError("route " + where + ": already registered as " + existing->pattern + " by " +
                            existing->owner);
  }
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  node->byMethod.emplace(routes_.back()->method, routes_.back().get());
}

namespace {

// Depth-first so that a static segment is tried first and a parameter is the fallback.
// An empty `method` accepts any node that has a route.
template <typename NodeT>
const NodeT* find(const NodeT* node, const std::vector<std::string_view>& segments, std::size_t i,
                  std::string_view method, Request::Pairs& params) {
  if (i == segments.size()) {
    const bool hit = method.empty() ? !node->byMethod.empty() : node->byMethod.count(method) != 0;
    return hit ? node : nullptr;
  }
  if (auto it = node->children.find(segments[i]); it != node->children.end()) {
    if (const NodeT* hit = find(it->second.get(), segments, i + 1, method, params)) return hit;
  }
  if (node->param) {
    auto value = percentDecode(segments[i], false);
    if (!value) return nullptr;  // a malformed escape cannot name a resource: 404
    params.emplace_back(node->param->paramName, std::move(*value));
    if (const NodeT* hit = find(node->param.get(), segments, i + 1, method, params)) return hit;
    params.pop_back();
  }
  return nullptr;
}

}  // namespace

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  const auto segments = splitPath(path);
  if (const Node* node = method.empty() ? nullptr : find(root_.get(), segments, 0, method, result.params)) {
    result.route = node->byMethod.find(method)->second;
    return result;
  }
  result.params.clear();
  Request::Pairs ignored;
  const Node* node = find(root_.get(), segments, 0, std::string_view{}, ignored);
  if (node == nullptr) return result;
  for (const auto& [m, route] : node->byMethod)
    result.allowedMethods.push_back(m);
  return result;
}

std::vector<const Route*> Router::routes() const {
  std::vector<const Route*> all;
  all.reserve(routes_.size());
  for (const auto& r : routes_)
    all.push_back(r.get());
  return all;
}

}  // namespace monti::http
