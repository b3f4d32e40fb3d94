#include <monti/http/Errors.hpp>
#include <monti/http/Pagination.hpp>

#include <gtest/gtest.h>

namespace monti::http {
namespace {

Request withQuery(std::string query) {
  return {"GET", "/api/v1/x", std::move(query), {}, "", "127.0.0.1", "cid", std::chrono::steady_clock::now()};
}

TEST(Pagination, DefaultsToPageOneOfTwenty) {
  const auto page = parsePage(withQuery(""));
  EXPECT_EQ(page.page, 1);
  EXPECT_EQ(page.limit, 20);
  EXPECT_EQ(page.offset(), 0);
}

TEST(Pagination, CapsTheLimitAtOneHundred) {
  EXPECT_EQ(parsePage(withQuery("limit=500")).limit, 100);
  EXPECT_EQ(parsePage(withQuery("limit=99999999999999999999")).limit, 100);
}

TEST(Pagination, ComputesTheOffset) { EXPECT_EQ(parsePage(withQuery("page=3&limit=10")).offset(), 20); }

TEST(Pagination, RefusesPagesAndLimitsBelowOne) {
  EXPECT_THROW(parsePage(withQuery("page=0")), BadRequest);
  EXPECT_THROW(parsePage(withQuery("limit=0")), BadRequest);
  EXPECT_THROW(parsePage(withQuery("page=-2")), BadRequest);
}

TEST(Pagination, RefusesWhatIsNotANumber) {
  for (const char* q : {"page=abc", "limit=1e3", "limit=", "page=2.5"}) {
    try {
      parsePage(withQuery(q));
      ADD_FAILURE() << q;
    } catch (const BadRequest& e) {
      ASSERT_EQ(e.details().size(), 1u) << q;
    }
  }
}

}  // namespace
}  // namespace monti::http
