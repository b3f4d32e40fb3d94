#include "http/Router.hpp"

#include <monti/plugin/RegistrationError.hpp>

#include <gtest/gtest.h>

namespace monti::http {
namespace {

Handler answer(int status) {
  return [status](const Request&) { return Response::json({{"status", status}}, status); };
}

Route route(std::string method, std::string pattern, std::string permission = "public") {
  return Route{std::move(method), std::move(pattern), std::move(permission), "test", answer(200)};
}

TEST(Router, MatchesStaticRoute) {
  Router router;
  router.add(route("GET", "/health"));
  auto match = router.match("GET", "/health");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/health");
}

TEST(Router, ExtractsDecodedPathParameters) {
  Router router;
  router.add(route("GET", "/api/v1/agents/:id/activity/:day"));
  auto match = router.match("GET", "/api/v1/agents/42/activity/2026%2D11%2D22");
  ASSERT_NE(match.route, nullptr);
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"id", "42"}));
  EXPECT_EQ(match.params[1], (std::pair<std::string, std::string>{"day", "2026-11-22"}));
}

TEST(Router, PrefersStaticSegmentOverParameter) {
  Router router;
  router.add(route("GET", "/agents/:id"));
  router.add(route("GET", "/agents/stats"));
  EXPECT_EQ(router.match("GET", "/agents/stats").route->pattern, "/agents/stats");
  EXPECT_EQ(router.match("GET", "/agents/7").route->pattern, "/agents/:id");
}

TEST(Router, FallsBackToParameterWhenStaticBranchLacksTheMethod) {
  Router router;
  router.add(route("GET", "/agents/stats"));
  router.add(route("PUT", "/agents/:id"));
  auto match = router.match("PUT", "/agents/stats");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/agents/:id");
}

TEST(Router, UnknownPathIsNotFound) {
  Router router;
  router.add(route("GET", "/agents"));
  auto match = router.match("GET", "/nothing");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.pathExists());
}

TEST(Router, WrongMethodListsAllowedMethods) {
  Router router;
  router.add(route("GET", "/agents"));
  router.add(route("POST", "/agents"));
  auto match = router.match("DELETE", "/agents");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.pathExists());
  EXPECT_EQ(match.allowedMethods, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, TrailingSlashMatchesSameRoute) {
  Router router;
  router.add(route("GET", "/agents"));
  EXPECT_NE(router.match("GET", "/agents/").route, nullptr);
}

TEST(Router, MalformedEscapeInParameterIsNotFound) {
  Router router;
  router.add(route("GET", "/agents/:id"));
  EXPECT_EQ(router.match("GET", "/agents/%zz").route, nullptr);
}

TEST(Router, RefusesRouteWithoutPermission) {
  Router router;
  EXPECT_THROW(router.add(route("GET", "/open", "")), RegistrationError);
}

TEST(Router, RefusesDuplicateRoute) {
  Router router;
  router.add(route("GET", "/agents"));
  EXPECT_THROW(router.add(route("GET", "/agents")), RegistrationError);
}

TEST(Router, RefusesConflictingParameterNames) {
  Router router;
  router.add(route("GET", "/agents/:id"));
  EXPECT_THROW(router.add(route("PUT", "/agents/:name")), RegistrationError);
}

TEST(Router, RefusesMalformedPatterns) {
  Router router;
  EXPECT_THROW(router.add(route("GET", "agents")), RegistrationError);
  EXPECT_THROW(router.add(route("GET", "/a//b")), RegistrationError);
  EXPECT_THROW(router.add(route("GET", "/a/:")), RegistrationError);
  EXPECT_THROW(router.add(route("GET", "/a/b c")), RegistrationError);
  EXPECT_THROW(router.add(route("TRACE", "/a")), RegistrationError);
}

TEST(Router, ListsRoutesInRegistrationOrder) {
  Router router;
  router.add(route("GET", "/b"));
  router.add(route("GET", "/a"));
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0]->pattern, "/b");
  EXPECT_EQ(routes[1]->pattern, "/a");
}

}  // namespace
}  // namespace monti::http
