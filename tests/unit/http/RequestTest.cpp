#include <monti/http/Errors.hpp>
#include <monti/http/Request.hpp>

#include <gtest/gtest.h>

namespace monti::http {
namespace {

Request withQuery(std::string rawQuery) {
  return Request("GET", "/api/v1/x", std::move(rawQuery), {}, "", "127.0.0.1", "c",
                 Request::Clock::now() + std::chrono::seconds(5));
}

Request withParams(Request::Pairs params) {
  Request request = withQuery("");
  request.setParams(std::move(params));
  return request;
}

TEST(Request, QueryDecodesPlusAndPercentEscapes) {
  EXPECT_EQ(withQuery("q=hello+big%20world%21").query("q"), "hello big world!");
}

TEST(Request, QueryDecodesTheKeyToo) { EXPECT_EQ(withQuery("a%5Bb%5D=1").query("a[b]"), "1"); }

TEST(Request, QueryReturnsTheFirstOfRepeatedKeys) { EXPECT_EQ(withQuery("a=1&a=2").query("a"), "1"); }

TEST(Request, QueryWithoutValueIsEmpty) { EXPECT_EQ(withQuery("flag&x=1").query("flag"), ""); }

TEST(Request, MissingQueryParameterIsNullopt) {
  EXPECT_EQ(withQuery("a=1").query("b"), std::nullopt);
  EXPECT_EQ(withQuery("").query("b"), std::nullopt);
}

TEST(Request, QueryKeepsEncodedAmpersandsAndEquals) { EXPECT_EQ(withQuery("q=a%26b%3Dc&r=2").query("q"), "a&b=c"); }

TEST(Request, MalformedEscapeInQueryIsBadRequestNamingTheParameter) {
  for (const char* raw : {"q=%zz", "q=%4", "q=%"}) {
    try {
      (void)withQuery(raw).query("q");
      ADD_FAILURE() << raw << " did not throw";
    } catch (const BadRequest& e) {
      EXPECT_EQ(e.status(), 400);
      ASSERT_EQ(e.details().size(), 1u);
      EXPECT_EQ(e.details()[0].field, "q");
    }
  }
}

TEST(Request, ParamReturnsTheNamedPathParameter) {
  EXPECT_EQ(withParams({{"id", "42"}, {"day", "2026-11-22"}}).param("day"), "2026-11-22");
}

TEST(Request, MissingParamIsNotFound) { EXPECT_THROW((void)withParams({}).param("id"), NotFound); }

TEST(Request, ParamAsParsesNumbers) { EXPECT_EQ(withParams({{"id", "42"}}).paramAs<int>("id"), 42); }

TEST(Request, ParamAsNonNumberIsNotFound) {
  EXPECT_THROW((void)withParams({{"id", "abc"}}).paramAs<int>("id"), NotFound);
  EXPECT_THROW((void)withParams({{"id", "42x"}}).paramAs<int>("id"), NotFound);
  EXPECT_THROW((void)withParams({{"id", ""}}).paramAs<int>("id"), NotFound);
}

TEST(Request, ParamAsOutOfRangeIsNotFound) {
  EXPECT_THROW((void)withParams({{"id", "99999999999"}}).paramAs<std::int32_t>("id"), NotFound);
}

TEST(Request, HeaderLookupIgnoresCase) {
  Request request("GET", "/", "", {{"Content-Type", "application/json"}}, "", "127.0.0.1", "c", Request::Clock::now());
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(request.header("Content-Length"), std::nullopt);
}

TEST(Request, CheckDeadlineThrowsDeadlineExceededOncePast) {
  Request past("GET", "/", "", {}, "", "", "c", Request::Clock::now() - std::chrono::milliseconds(1));
  try {
    past.checkDeadline();
    FAIL() << "expected ServiceUnavailable";
  } catch (const ServiceUnavailable& e) {
    EXPECT_EQ(e.code(), "deadline_exceeded");
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_NO_THROW(withQuery("").checkDeadline());
}

TEST(Request, UserIsNullForAnonymousRequests) { EXPECT_EQ(withQuery("").user(), nullptr); }

}  // namespace
}  // namespace monti::http
