#include <monti/auth/Scope.hpp>

#include <gtest/gtest.h>

namespace monti::auth {
namespace {

Principal user(std::vector<std::string> departments, std::vector<std::string> locations) {
  Principal p;
  p.id = "5";
  p.tenant = "acme";
  p.departments = std::move(departments);
  p.locations = std::move(locations);
  return p;
}

TEST(Scope, AnotherTenantIsNeverVisible) {
  EXPECT_FALSE(canSee(user({}, {}), "other", "Sales", "Berlin"));
  EXPECT_TRUE(canSee(user({}, {}), "acme", "Sales", "Berlin"));
}

TEST(Scope, DepartmentsAndLocationsNarrowWhenListed) {
  const auto sales = user({"Sales"}, {});
  EXPECT_TRUE(canSee(sales, "acme", "Sales", "Anywhere"));
  EXPECT_FALSE(canSee(sales, "acme", "Support", "Anywhere"));
  const auto berlinSales = user({"Sales"}, {"Berlin"});
  EXPECT_TRUE(canSee(berlinSales, "acme", "Sales", "Berlin"));
  EXPECT_FALSE(canSee(berlinSales, "acme", "Sales", "Madrid"));
}

TEST(Scope, ParamsFeedTheStandardClause) {
  const auto params = scopeParams(user({"Sales", "New York"}, {}));
  EXPECT_EQ(params.tenant, "acme");
  EXPECT_EQ(params.departments, R"({"Sales","New York"})");
  EXPECT_EQ(params.locations, "{}");
}

}  // namespace
}  // namespace monti::auth
