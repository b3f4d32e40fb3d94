// The authorization matrix: every route `monti routes` lists (core and the example plugin) is called as anonymous,
// viewer, cs, admin and an admin of another tenant, and each status is checked against the permission the route
// declared. The routes come from the binary, so a route a later plugin adds is covered without editing this test.
#include "support/Accounts.hpp"
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/TestDatabase.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <sstream>

namespace monti::itest {
namespace {

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string permission;
  std::string owner;
};

struct Caller {
  std::string name;
  std::optional<Account> account;  // nullopt: anonymous
  std::vector<std::string> permissions;
  std::int64_t id = 0;
  std::string accessToken;
};

std::vector<RouteInfo> registeredRoutes(const Environment& env) {
  const auto result = runToExit({"routes"}, env, std::chrono::seconds(60));
  if (result.exitCode != 0) throw std::runtime_error("monti routes failed:\n" + result.out + result.err);
  std::vector<RouteInfo> routes;
  for (const auto& r : nlohmann::json::parse(result.out)) {
    routes.push_back({r.at("method").get<std::string>(), r.at("pattern").get<std::string>(),
                      r.at("permission").get<std::string>(), r.at("owner").get<std::string>()});
  }
  return routes;
}

// Seed 001 §7.1.
std::vector<std::string> permissionsOf(const std::string& role) {
  if (role == "admin") return {"*"};
  if (role == "cs") return {"read:agents", "update:self", "read:performance", "update:status"};
  if (role == "viewer") return {"read:agents", "read:performance"};
  return {};
}

bool grants(const std::vector<std::string>& held, const std::string& permission) {
  return std::any_of(held.begin(), held.end(), [&](const std::string& p) { return p == "*" || p == permission; });
}

// `pattern` with every :param (and * tail) filled with `value`.
std::string fill(const std::string& pattern, const std::string& value) {
  std::ostringstream out;
  std::istringstream segments(pattern);
  std::string segment;
  bool first = true;
  while (std::getline(segments, segment, '/')) {
    if (!first) out << '/';
    first = false;
    out << ((!segment.empty() && (segment[0] == ':' || segment[0] == '*')) ? value : segment);
  }
  return out.str();
}

class AuthorizationMatrix : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    env_ = authEnvironment(db().url());
    migrateUp(env_);
    // User id 1 belongs to nobody who calls: routes that act on :id = 1 (deactivate, delete) cannot lock a caller
    // out of the rest of the matrix.
    victimId_ = createAccount(env_, makeAccount("viewer"));
    callers_.push_back(Caller{"anonymous", std::nullopt, {}, 0, {}});
    for (const auto& [name, role, tenant] :
         std::vector<std::array<std::string, 3>>{{"viewer", "viewer", "default"},
                                                 {"cs", "cs", "default"},
                                                 {"admin of another tenant", "admin", "other"},
                                                 {"admin", "admin", "default"}}) {
      auto account = makeAccount(role, tenant);
      const auto id = createAccount(env_, account);
      callers_.push_back(Caller{name, account, permissionsOf(role), id, {}});
    }
    server_ = startServer(env_);
    for (auto& caller : callers_) {
      if (caller.account) caller.accessToken = loginOk(server_->port(), *caller.account).accessToken;
    }
  }
  void TearDown() override {
    server_.reset();
    DatabaseTest::TearDown();
  }

  int port() const { return server_->port(); }

  // Calls `target` as `caller`. Logout gets a session of its own each time: it would revoke the caller's token.
  HttpResponse callAs(const Caller& caller, const RouteInfo& route, const std::string& target) {
    Headers headers;
    if (caller.account) {
      const bool logout = route.pattern.find("/auth/logout") != std::string::npos;
      headers = bearer(logout ? loginOk(port(), *caller.account).accessToken : caller.accessToken);
    }
    const bool withBody = route.method == "POST" || route.method == "PUT" || route.method == "PATCH";
    return call(port(), route.method, target, headers, withBody ? std::optional<std::string>("{}") : std::nullopt);
  }

  // The :params a caller fills in: its own user id for the non-admin roles (so self-scoped permissions such as
  // update:self meet their own resource), the victim's id for everybody else.
  std::string paramFor(const Caller& caller) const {
    const bool admin = grants(caller.permissions, "*");
    return caller.account && !admin ? std::to_string(caller.id) : std::to_string(victimId_);
  }

  Environment env_;
  std::int64_t victimId_ = 0;
  std::vector<Caller> callers_;
  std::unique_ptr<MontiProcess> server_;
};

TEST_F(AuthorizationMatrix, EveryRouteAnswersEveryCallerAsItsPermissionDeclares) {
  auto routes = registeredRoutes(env_);
  ASSERT_GE(routes.size(), 10U);
  // Destructive calls last, so that what they change cannot affect the other rows.
  std::stable_partition(routes.begin(), routes.end(), [](const RouteInfo& r) { return r.method != "DELETE"; });

  int checked = 0;
  for (const auto& route : routes) {
    ASSERT_FALSE(route.permission.empty()) << route.method << " " << route.pattern << " has no permission";
    std::vector<std::string> targets;
    for (const auto& caller : callers_) {
      const auto target = fill(route.pattern, paramFor(caller));
      std::vector<std::string> paths{target};
      if (target.rfind("/api/v1/", 0) == 0) paths.push_back("/api/" + target.substr(8));  // the /api alias
      for (const auto& path : paths) {
        const auto response = callAs(caller, route, path);
        const auto row = route.method + " " + path + " (" + route.permission + ", " + route.owner + ") as " +
                         caller.name + ": " + std::to_string(response.status) + " " + response.body;
        ++checked;
        if (route.permission == "public") {
          EXPECT_NE(response.status, 401) << row;
          EXPECT_NE(response.status, 403) << row;
        } else if (!caller.account) {
          EXPECT_EQ(response.status, 401) << row;
          EXPECT_EQ(errorCode(response), "unauthorized") << row;
        } else if (route.permission == "authenticated" || grants(caller.permissions, route.permission)) {
          EXPECT_NE(response.status, 401) << row;
          EXPECT_NE(response.status, 403) << row;
        } else {
          EXPECT_EQ(response.status, 403) << row;
          EXPECT_EQ(errorCode(response), "forbidden") << row;
        }
        if (route.owner == "core") {  // the example plugin has a /boom
          EXPECT_LT(response.status, 500) << row;
        }
      }
    }
  }
  EXPECT_GE(checked, static_cast<int>(routes.size() * callers_.size()));
}

TEST_F(AuthorizationMatrix, EveryNonPublicRouteRefusesAForgedOrGarbageToken) {
  for (const auto& route : registeredRoutes(env_)) {
    if (route.permission == "public") continue;
    const auto target = fill(route.pattern, "1");
    const bool withBody = route.method == "POST" || route.method == "PUT" || route.method == "PATCH";
    const auto response = call(port(), route.method, target, bearer("garbage.token.value"),
                               withBody ? std::optional<std::string>("{}") : std::nullopt);
    EXPECT_EQ(response.status, 401) << route.method << " " << target << ": " << response.body;
  }
}

// Tenant isolation by id: another tenant's admin gets 404 for this tenant's key, as if it did not exist.
TEST_F(AuthorizationMatrix, AdminOfAnotherTenantGets404ForThisTenantsKeyById) {
  const auto& admin = callers_.back();
  const auto& otherAdmin = callers_[3];
  ASSERT_EQ(admin.name, "admin");
  ASSERT_EQ(otherAdmin.name, "admin of another tenant");
  const auto created = postJson(port(), "/api/v1/admin/api-keys",
                                nlohmann::json{{"name", "tenant key"}, {"permissions", {"read:agents"}}}.dump(),
                                bearer(admin.accessToken));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = std::to_string(created.json().at("id").get<std::int64_t>());

  const auto foreign = call(port(), "DELETE", "/api/v1/admin/api-keys/" + id, bearer(otherAdmin.accessToken));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(errorCode(foreign), "not_found");
  EXPECT_EQ(db().sql().count("SELECT count(*) FROM api_keys WHERE id = $1 AND revoked_at IS NULL", {id}), 1);
  const auto key = created.json().at("key").get<std::string>();
  EXPECT_EQ(get(port(), "/api/v1/auth/me", {{"X-API-Key", key}}).status, 200);

  const auto list = get(port(), "/api/v1/admin/api-keys", bearer(otherAdmin.accessToken));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json().at("data").empty()) << list.body;

  // The owner's admin can revoke it: the 404 above was isolation, not a broken route.
  EXPECT_EQ(call(port(), "DELETE", "/api/v1/admin/api-keys/" + id, bearer(admin.accessToken)).status, 200);
}

TEST_F(AuthorizationMatrix, AdminOfAnotherTenantSeesNoneOfThisTenantsAuditLog) {
  const auto& otherAdmin = callers_[3];
  const auto audit = get(port(), "/api/v1/admin/audit?limit=100", bearer(otherAdmin.accessToken));
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto body = audit.json();  // kept alive: the loop iterates into it
  ASSERT_FALSE(body.at("data").empty()) << "the other tenant's admin has audit entries of its own";
  for (const auto& entry : body.at("data")) {
    for (const auto& caller : callers_) {
      if (caller.account && caller.name != otherAdmin.name) {
        EXPECT_NE(entry.value("target", nlohmann::json()), caller.account->username) << entry;
        EXPECT_NE(entry.value("actor", nlohmann::json()), "user:" + std::to_string(caller.id)) << entry;
      }
    }
  }
  // Its own login is there.
  EXPECT_NE(audit.body.find("user:" + std::to_string(otherAdmin.id)), std::string::npos) << audit.body;
}

}  // namespace
}  // namespace monti::itest
