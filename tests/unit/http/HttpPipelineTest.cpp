#include "http/HttpPipeline.hpp"

#include "../obs/MemoryFile.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>

namespace monti::http {
namespace {

using nlohmann::json;

/// A body held in memory; counts reads so tests can tell whether the pipeline read it.
class FakeBody final : public BodySource {
 public:
  FakeBody(std::string data, bool chunked) : data_(std::move(data)), chunked_(chunked) {}
  std::optional<std::int64_t> declaredLength() const override {
    return chunked_ ? std::nullopt : std::optional<std::int64_t>(static_cast<std::int64_t>(data_.size()));
  }
  bool chunked() const override { return chunked_; }
  std::optional<std::string> readAtMost(std::int64_t maxBytes) override {
    ++reads;
    if (static_cast<std::int64_t>(data_.size()) > maxBytes) return std::nullopt;
    return data_;
  }
  int reads = 0;

 private:
  std::string data_;
  bool chunked_;
};

/// Authenticates "Authorization: Bearer good" as a user with the given permissions.
class FakeAuthenticator final : public auth::Authenticator {
 public:
  std::optional<auth::Principal> authenticate(const Request& request) override {
    const auto header = request.header("Authorization");
    if (!header) return std::nullopt;
    if (*header != "Bearer good") throw Unauthorized("invalid token");
    auth::Principal principal;
    principal.id = "42";
    principal.username = "alice";
    principal.permissions = permissions;
    return principal;
  }
  std::vector<std::string> permissions;
};

const std::string* header(const Response& response, const std::string& name) {
  for (const auto& [n, v] : response.headers()) {
    if (n == name) return &v;
  }
  return nullptr;
}

class HttpPipelineTest : public ::testing::Test {
 protected:
  HttpPipelineTest() {
    server_.maxBodyBytes = 16;
    cors_.allowedOrigins = {"https://app.example"};
    add("GET", "/api/v1/items", kPublic, [](const Request&) { return Response::json({{"items", json::array()}}); });
    add("POST", "/api/v1/items", kPublic, [](const Request& r) { return Response::json(r.json(), 201); });
    add("GET", "/api/v1/secret", "read:secret", [](const Request&) { return Response::json({{"secret", true}}); });
    add("GET", "/api/v1/me", kAuthenticated, [](const Request& r) { return Response::json({{"id", r.user()->id}}); });
    add("GET", "/api/v1/boom", kPublic,
        [](const Request&) -> Response { throw std::runtime_error("exploded with postgresql://u:hunter2@db/monti"); });
    add("GET", "/api/v1/slow", kPublic, [](const Request& r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r.checkDeadline();
      return Response::json({{"slept", true}});
    });
    add("GET", "/health", kPublic, [](const Request&) { return Response::json({{"status", "healthy"}}); });
  }

  void add(std::string method, std::string pattern, std::string_view permission, Handler handler) {
    router_.add(Route{std::move(method), std::move(pattern), std::string(permission), "test", std::move(handler)});
  }

  HttpPipeline& pipeline() {
    if (!pipeline_) pipeline_ = std::make_unique<HttpPipeline>(router_, server_, cors_, auth_, logger_, metrics_);
    return *pipeline_;
  }

  Outcome send(std::string method, std::string uri, Request::Pairs headers = {}, BodySource* body = nullptr) {
    IncomingRequest incoming{std::move(method), std::move(uri), std::move(headers), "127.0.0.1", body};
    return pipeline().handle(incoming);
  }

  Outcome sendJson(std::string method, std::string uri, FakeBody& body, std::string type = "application/json") {
    return send(std::move(method), std::move(uri), {{"Content-Type", std::move(type)}}, &body);
  }

  static json error(const Outcome& outcome) { return json::parse(outcome.response.body()).at("error"); }

  std::vector<json> accessLog() {
    std::vector<json> lines;
    for (const auto& line : log_.lines()) {
      auto parsed = json::parse(line);
      if (parsed["msg"] == "request") lines.push_back(parsed);
    }
    return lines;
  }

  obs::testing::MemoryFile log_;
  obs::JsonLogger logger_{log_.file(), obs::LogLevel::info, "pod-1"};
  obs::PrometheusRegistry metrics_;
  Router router_;
  config::ServerConfig server_;
  config::CorsConfig cors_;
  FakeAuthenticator auth_;
  std::unique_ptr<HttpPipeline> pipeline_;
};

TEST(ErrorBody, HasCodeMessageDetailsAndCorrelationId) {
  EXPECT_EQ(errorBody(BadRequest::field("name", "is required"), "c-1"),
            R"({"error":{"code":"validation_failed","correlationId":"c-1","details":[{"field":"name",)"
            R"("message":"is required"}],"message":"invalid name: is required"}})");
}

TEST(ErrorBody, DetailsIsAnEmptyArrayWithoutFieldErrors) {
  EXPECT_EQ(errorBody(NotFound(), "c-1"),
            R"({"error":{"code":"not_found","correlationId":"c-1","details":[],"message":"not found"}})");
}

TEST_F(HttpPipelineTest, ServesAMatchingRoute) {
  const auto outcome = send("GET", "/api/v1/items");
  EXPECT_EQ(outcome.response.status(), 200);
  EXPECT_EQ(json::parse(outcome.response.body()), (json{{"items", json::array()}}));
  EXPECT_FALSE(outcome.closeConnection);
  EXPECT_FALSE(outcome.omitBody);
}

TEST_F(HttpPipelineTest, UnknownPathIsNotFoundInTheErrorShape) {
  const auto outcome = send("GET", "/api/v1/nothing");
  EXPECT_EQ(outcome.response.status(), 404);
  EXPECT_EQ(outcome.response.contentType(), "application/json");
  const auto e = error(outcome);
  EXPECT_EQ(e["code"], "not_found");
  EXPECT_TRUE(e["message"].is_string());
  EXPECT_EQ(e["details"], json::array());
  ASSERT_NE(header(outcome.response, "X-Correlation-ID"), nullptr);
  EXPECT_EQ(e["correlationId"], *header(outcome.response, "X-Correlation-ID"));
}

TEST_F(HttpPipelineTest, WrongMethodIs405ListingAllowedMethodsWithHeadAndOptions) {
  const auto outcome = send("DELETE", "/api/v1/items");
  EXPECT_EQ(outcome.response.status(), 405);
  EXPECT_EQ(error(outcome)["code"], "method_not_allowed");
  ASSERT_NE(header(outcome.response, "Allow"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Allow"), "GET, POST, HEAD, OPTIONS");
}

TEST_F(HttpPipelineTest, ApiWithoutVersionIsV1) {
  const auto outcome = send("GET", "/api/items");
  EXPECT_EQ(outcome.response.status(), 200);
}

TEST_F(HttpPipelineTest, AcceptVersionV1IsAccepted) {
  EXPECT_EQ(send("GET", "/api/items", {{"Accept-Version", "v1"}}).response.status(), 200);
}

TEST_F(HttpPipelineTest, AcceptVersionV2IsUnsupported) {
  const auto outcome = send("GET", "/api/items", {{"Accept-Version", "v2"}});
  EXPECT_EQ(outcome.response.status(), 400);
  const auto e = error(outcome);
  EXPECT_EQ(e["code"], "unsupported_version");
  EXPECT_EQ(e["details"][0]["field"], "Accept-Version");
}

TEST_F(HttpPipelineTest, VersionTwoInThePathIsUnsupported) {
  const auto outcome = send("GET", "/api/v2/items");
  EXPECT_EQ(outcome.response.status(), 400);
  EXPECT_EQ(error(outcome)["code"], "unsupported_version");
}

TEST_F(HttpPipelineTest, NonJsonBodyIs415AndClosesTheConnection) {
  FakeBody body("hello", false);
  const auto outcome = sendJson("POST", "/api/v1/items", body, "text/plain");
  EXPECT_EQ(outcome.response.status(), 415);
  EXPECT_EQ(error(outcome)["code"], "unsupported_media_type");
  EXPECT_TRUE(outcome.closeConnection);
}

TEST_F(HttpPipelineTest, BodyWithoutContentTypeIs415) {
  FakeBody body("{}", false);
  EXPECT_EQ(send("POST", "/api/v1/items", {}, &body).response.status(), 415);
}

TEST_F(HttpPipelineTest, JsonWithCharsetAndPlusJsonTypesAreAccepted) {
  FakeBody first(R"({"a":1})", false);
  EXPECT_EQ(sendJson("POST", "/api/v1/items", first, "Application/JSON; charset=utf-8").response.status(), 201);
  FakeBody second(R"({"a":1})", false);
  EXPECT_EQ(sendJson("POST", "/api/v1/items", second, "application/merge-patch+json").response.status(), 201);
}

TEST_F(HttpPipelineTest, BodyReachesTheHandlerAsJson) {
  FakeBody body(R"({"name":"x"})", false);
  const auto outcome = sendJson("POST", "/api/v1/items", body);
  EXPECT_EQ(outcome.response.status(), 201);
  EXPECT_EQ(json::parse(outcome.response.body()), (json{{"name", "x"}}));
}

TEST_F(HttpPipelineTest, DeclaredLengthOverTheLimitIs413WithoutReading) {
  FakeBody body(R"({"name":"0123456"})", false);  // 18 bytes > 16
  const auto outcome = sendJson("POST", "/api/v1/items", body);
  EXPECT_EQ(outcome.response.status(), 413);
  EXPECT_EQ(error(outcome)["code"], "payload_too_large");
  EXPECT_EQ(body.reads, 0);
  EXPECT_TRUE(outcome.closeConnection);
}

TEST_F(HttpPipelineTest, ChunkedBodyOverTheLimitIs413) {
  FakeBody body(R"({"name":"0123456"})", true);
  const auto outcome = sendJson("POST", "/api/v1/items", body);
  EXPECT_EQ(outcome.response.status(), 413);
  EXPECT_TRUE(outcome.closeConnection);
}

TEST_F(HttpPipelineTest, BodyExactlyAtTheLimitIsAccepted) {
  FakeBody body(R"({"name":"01234"})", true);  // 16 bytes
  EXPECT_EQ(sendJson("POST", "/api/v1/items", body).response.status(), 201);
}

TEST_F(HttpPipelineTest, MalformedJsonIs400NamingTheBody) {
  FakeBody body(R"({"name":)", false);
  const auto outcome = sendJson("POST", "/api/v1/items", body);
  EXPECT_EQ(outcome.response.status(), 400);
  const auto e = error(outcome);
  EXPECT_EQ(e["code"], "validation_failed");
  EXPECT_EQ(e["details"][0]["field"], "body");
}

TEST_F(HttpPipelineTest, PublicRouteAnswersAnonymousCallers) {
  EXPECT_EQ(send("GET", "/api/v1/items").response.status(), 200);
}

TEST_F(HttpPipelineTest, PermissionRouteRefusesAnonymousWith401) {
  const auto outcome = send("GET", "/api/v1/secret");
  EXPECT_EQ(outcome.response.status(), 401);
  EXPECT_EQ(error(outcome)["code"], "unauthorized");
}

TEST_F(HttpPipelineTest, InvalidCredentialsAre401) {
  EXPECT_EQ(send("GET", "/api/v1/secret", {{"Authorization", "Bearer bad"}}).response.status(), 401);
}

TEST_F(HttpPipelineTest, PermissionRouteRefusesAUserWithoutThePermissionWith403) {
  auth_.permissions = {"read:other"};
  const auto outcome = send("GET", "/api/v1/secret", {{"Authorization", "Bearer good"}});
  EXPECT_EQ(outcome.response.status(), 403);
  EXPECT_EQ(error(outcome)["code"], "forbidden");
}

TEST_F(HttpPipelineTest, PermissionRouteAnswersAUserWithThePermission) {
  auth_.permissions = {"read:other", "read:secret"};
  EXPECT_EQ(send("GET", "/api/v1/secret", {{"Authorization", "Bearer good"}}).response.status(), 200);
}

TEST_F(HttpPipelineTest, WildcardPermissionGrantsEverything) {
  auth_.permissions = {"*"};
  EXPECT_EQ(send("GET", "/api/v1/secret", {{"Authorization", "Bearer good"}}).response.status(), 200);
}

TEST_F(HttpPipelineTest, AuthenticatedRouteNeedsAnyUser) {
  EXPECT_EQ(send("GET", "/api/v1/me").response.status(), 401);
  const auto outcome = send("GET", "/api/v1/me", {{"Authorization", "Bearer good"}});
  EXPECT_EQ(outcome.response.status(), 200);
  EXPECT_EQ(json::parse(outcome.response.body())["id"], "42");
}

TEST_F(HttpPipelineTest, AnonymousOnlyAuthenticatorRefusesCredentials) {
  auth::AnonymousOnly anonymous;
  HttpPipeline pipeline(router_, server_, cors_, anonymous, logger_, metrics_);
  IncomingRequest plain{"GET", "/api/v1/items", {}, "127.0.0.1", nullptr};
  EXPECT_EQ(pipeline.handle(plain).response.status(), 200);
  IncomingRequest withToken{"GET", "/api/v1/items", {{"Authorization", "Bearer x"}}, "127.0.0.1", nullptr};
  EXPECT_EQ(pipeline.handle(withToken).response.status(), 401);
}

TEST_F(HttpPipelineTest, AcceptableCorrelationIdIsEchoed) {
  const auto outcome = send("GET", "/api/v1/nothing", {{"x-correlation-id", "req-1.a_b:c"}});
  ASSERT_NE(header(outcome.response, "X-Correlation-ID"), nullptr);
  EXPECT_EQ(*header(outcome.response, "X-Correlation-ID"), "req-1.a_b:c");
  EXPECT_EQ(error(outcome)["correlationId"], "req-1.a_b:c");
}

TEST_F(HttpPipelineTest, UnacceptableCorrelationIdsAreReplacedByAUuid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const std::string& bad : {std::string(129, 'a'), std::string("has space"), std::string("line\nbreak"),
                                 std::string("quote\""), std::string()}) {
    const auto outcome = send("GET", "/api/v1/items", {{"X-Correlation-ID", bad}});
    const auto* id = header(outcome.response, "X-Correlation-ID");
    ASSERT_NE(id, nullptr);
    EXPECT_NE(*id, bad);
    EXPECT_TRUE(std::regex_match(*id, uuid)) << *id;
  }
}

TEST_F(HttpPipelineTest, CorrelationIdOf128CharactersIsKept) {
  const std::string id(128, 'a');
  EXPECT_EQ(*header(send("GET", "/api/v1/items", {{"X-Correlation-ID", id}}).response, "X-Correlation-ID"), id);
}

TEST_F(HttpPipelineTest, PreflightFromAnAllowedOriginGetsCorsHeaders) {
  const auto outcome = send("OPTIONS", "/api/v1/items",
                            {{"Origin", "https://app.example"},
                             {"Access-Control-Request-Method", "POST"},
                             {"Access-Control-Request-Headers", "Content-Type, Authorization"}});
  const auto& r = outcome.response;
  EXPECT_EQ(r.status(), 204);
  ASSERT_NE(header(r, "Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*header(r, "Access-Control-Allow-Origin"), "https://app.example");
  ASSERT_NE(header(r, "Access-Control-Allow-Methods"), nullptr);
  EXPECT_EQ(*header(r, "Access-Control-Allow-Methods"), "GET, POST");
  ASSERT_NE(header(r, "Access-Control-Allow-Headers"), nullptr);
  EXPECT_EQ(*header(r, "Access-Control-Allow-Headers"), "Content-Type, Authorization");
  ASSERT_NE(header(r, "Access-Control-Max-Age"), nullptr);
  EXPECT_EQ(*header(r, "Access-Control-Max-Age"), "600");
  ASSERT_NE(header(r, "Vary"), nullptr);
  EXPECT_EQ(*header(r, "Vary"), "Origin");
}

TEST_F(HttpPipelineTest, PreflightFromAnotherOriginGetsNoCorsHeaders) {
  const auto outcome =
      send("OPTIONS", "/api/v1/items", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(outcome.response.status(), 204);
  for (const auto& [name, value] : outcome.response.headers()) {
    EXPECT_NE(name.rfind("Access-Control-", 0), 0u) << name;
  }
}

TEST_F(HttpPipelineTest, PreflightCarriesCredentialsWhenConfigured) {
  cors_.allowCredentials = true;
  const auto outcome =
      send("OPTIONS", "/api/v1/items", {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  ASSERT_NE(header(outcome.response, "Access-Control-Allow-Credentials"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Access-Control-Allow-Credentials"), "true");
}

TEST_F(HttpPipelineTest, WildcardOriginEchoesTheCallersOrigin) {
  cors_.allowedOrigins = {"*"};
  const auto outcome = send("GET", "/api/v1/items", {{"Origin", "https://any.example"}});
  ASSERT_NE(header(outcome.response, "Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Access-Control-Allow-Origin"), "https://any.example");
}

TEST_F(HttpPipelineTest, PlainOptionsListsAllowedMethods) {
  const auto outcome = send("OPTIONS", "/api/v1/items");
  EXPECT_EQ(outcome.response.status(), 204);
  ASSERT_NE(header(outcome.response, "Allow"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Allow"), "GET, POST, HEAD, OPTIONS");
}

TEST_F(HttpPipelineTest, OptionsOnAnUnknownPathIs404) {
  EXPECT_EQ(send("OPTIONS", "/api/v1/nothing").response.status(), 404);
}

TEST_F(HttpPipelineTest, ActualResponseToAnAllowedOriginHasAllowOriginAndVary) {
  const auto outcome = send("GET", "/api/v1/items", {{"Origin", "https://app.example"}});
  ASSERT_NE(header(outcome.response, "Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Access-Control-Allow-Origin"), "https://app.example");
  ASSERT_NE(header(outcome.response, "Vary"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Vary"), "Origin");
}

TEST_F(HttpPipelineTest, ErrorResponseToAnAllowedOriginHasAllowOriginToo) {
  const auto outcome = send("GET", "/api/v1/nothing", {{"Origin", "https://app.example"}});
  EXPECT_NE(header(outcome.response, "Access-Control-Allow-Origin"), nullptr);
}

TEST_F(HttpPipelineTest, ActualResponseToAnotherOriginHasNoAllowOrigin) {
  const auto outcome = send("GET", "/api/v1/items", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(header(outcome.response, "Access-Control-Allow-Origin"), nullptr);
}

TEST_F(HttpPipelineTest, HeadRunsTheGetRouteAndOmitsTheBody) {
  const auto outcome = send("HEAD", "/api/v1/items");
  EXPECT_EQ(outcome.response.status(), 200);
  EXPECT_TRUE(outcome.omitBody);
}

TEST_F(HttpPipelineTest, SecurityHeadersAreSet) {
  const auto outcome = send("GET", "/api/v1/items");
  ASSERT_NE(header(outcome.response, "X-Content-Type-Options"), nullptr);
  EXPECT_EQ(*header(outcome.response, "X-Content-Type-Options"), "nosniff");
  ASSERT_NE(header(outcome.response, "X-Frame-Options"), nullptr);
  EXPECT_EQ(*header(outcome.response, "X-Frame-Options"), "DENY");
}

TEST_F(HttpPipelineTest, HandlerExceptionIs500WithoutItsText) {
  const auto outcome = send("GET", "/api/v1/boom");
  EXPECT_EQ(outcome.response.status(), 500);
  const auto e = error(outcome);
  EXPECT_EQ(e["code"], "internal_error");
  EXPECT_EQ(outcome.response.body().find("exploded"), std::string::npos);
  EXPECT_EQ(outcome.response.body().find("hunter2"), std::string::npos);
}

TEST_F(HttpPipelineTest, HandlerExceptionIsLoggedWithSecretsRedacted) {
  send("GET", "/api/v1/boom");
  const auto text = log_.text();
  EXPECT_NE(text.find("exploded"), std::string::npos);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
}

TEST_F(HttpPipelineTest, TooManyConcurrentRequestsIs503Overloaded) {
  server_.maxConcurrentRequests = 1;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  add("GET", "/api/v1/block", kPublic, [released](const Request&) {
    released.wait();
    return Response::noContent();
  });
  auto& p = pipeline();
  auto blocked = std::async(std::launch::async, [this] { return send("GET", "/api/v1/block").response.status(); });
  while (p.inFlight() < 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto outcome = send("GET", "/api/v1/items");
  release.set_value();
  EXPECT_EQ(outcome.response.status(), 503);
  EXPECT_EQ(error(outcome)["code"], "overloaded");
  ASSERT_NE(header(outcome.response, "Retry-After"), nullptr);
  EXPECT_EQ(*header(outcome.response, "Retry-After"), "1");
  EXPECT_EQ(blocked.get(), 204);
  EXPECT_EQ(p.inFlight(), 0);
}

TEST_F(HttpPipelineTest, UriLongerThan8KiBIs414) {
  const auto outcome = send("GET", "/api/v1/items?q=" + std::string(std::size_t{8} * 1024, 'a'));
  EXPECT_EQ(outcome.response.status(), 414);
  EXPECT_EQ(error(outcome)["code"], "uri_too_long");
}

TEST_F(HttpPipelineTest, RequestTargetMustBeAnAbsolutePath) {
  EXPECT_EQ(send("GET", "api/v1/items").response.status(), 400);
  EXPECT_EQ(send("GET", "*").response.status(), 400);
}

TEST_F(HttpPipelineTest, HandlerPastItsDeadlineIs503DeadlineExceeded) {
  server_.requestTimeout = std::chrono::milliseconds(30);
  const auto outcome = send("GET", "/api/v1/slow");
  EXPECT_EQ(outcome.response.status(), 503);
  EXPECT_EQ(error(outcome)["code"], "deadline_exceeded");
  EXPECT_NE(header(outcome.response, "Retry-After"), nullptr);
}

TEST_F(HttpPipelineTest, DrainingAsksClientsToClose) {
  pipeline().setDraining(true);
  EXPECT_TRUE(send("GET", "/api/v1/items").closeConnection);
}

// A body the pipeline never read is still on the socket: keeping the connection would parse it as a request.
TEST_F(HttpPipelineTest, UnreadBodyClosesTheConnection) {
  FakeBody body(R"({"a":1})", false);
  const auto outcome = sendJson("POST", "/api/v1/nothing", body);
  EXPECT_EQ(outcome.response.status(), 404);
  EXPECT_EQ(body.reads, 0);
  EXPECT_TRUE(outcome.closeConnection);
}

TEST_F(HttpPipelineTest, RequestCounterIsLabelledWithRouteMethodAndStatus) {
  send("GET", "/api/v1/items");
  send("GET", "/api/items?x=1");
  send("GET", "/api/v1/nothing");
  const auto text = metrics_.render();
  EXPECT_NE(text.find("monti_http_requests_total{route=\"/api/v1/items\",method=\"GET\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("monti_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("monti_http_request_duration_seconds_count{route=\"/api/v1/items\",method=\"GET\"} 2\n"),
            std::string::npos)
      << text;
}

// Methods come from the client: one series per invented method would let anyone grow /metrics without bound.
TEST_F(HttpPipelineTest, UnknownMethodsDoNotCreateMetricSeriesEach) {
  send("FOO1", "/api/v1/items");
  send("FOO2", "/api/v1/items");
  const auto text = metrics_.render();
  EXPECT_EQ(text.find("method=\"FOO1\""), std::string::npos) << text;
}

TEST_F(HttpPipelineTest, InFlightGaugeReturnsToZero) {
  send("GET", "/api/v1/items");
  send("GET", "/api/v1/boom");
  EXPECT_EQ(pipeline().inFlight(), 0);
  EXPECT_NE(metrics_.render().find("monti_http_requests_in_flight 0\n"), std::string::npos);
}

TEST_F(HttpPipelineTest, WritesOneAccessLogLinePerRequest) {
  send("GET", "/api/v1/items");
  send("GET", "/api/v1/nothing");
  send("GET", "/api/v1/boom");
  EXPECT_EQ(accessLog().size(), 3u);
}

TEST_F(HttpPipelineTest, AccessLogLineHasEveryFieldAndNoQueryString) {
  send("GET", "/api/items?token=abc&q=1", {{"X-Correlation-ID", "corr-1"}});
  const auto lines = accessLog();
  ASSERT_EQ(lines.size(), 1u);
  const auto& line = lines[0];
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["pod"], "pod-1");
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["route"], "/api/v1/items");
  EXPECT_EQ(line["path"], "/api/v1/items");
  EXPECT_EQ(line["status"], 200);
  EXPECT_TRUE(line["durationMs"].is_number());
  EXPECT_EQ(line["bytes"], std::string(R"({"items":[]})").size());
  EXPECT_EQ(line["correlationId"], "corr-1");
  EXPECT_TRUE(line.contains("userId"));
  EXPECT_TRUE(line["userId"].is_null());
  EXPECT_EQ(log_.text().find("token=abc"), std::string::npos);
}

TEST_F(HttpPipelineTest, AccessLogNamesTheAuthenticatedUser) {
  auth_.permissions = {"read:secret"};
  send("GET", "/api/v1/secret", {{"Authorization", "Bearer good"}});
  EXPECT_EQ(accessLog().at(0)["userId"], "42");
}

TEST_F(HttpPipelineTest, AccessLogCountsNoBytesForHead) {
  send("HEAD", "/api/v1/items");
  EXPECT_EQ(accessLog().at(0)["bytes"], 0);
}

TEST_F(HttpPipelineTest, AccessLogIsSkippedBelowInfo) {
  logger_.setLevel(obs::LogLevel::warn);
  send("GET", "/api/v1/items");
  EXPECT_TRUE(accessLog().empty());
}

}  // namespace
}  // namespace monti::http

namespace monti::http {
namespace {

TEST_F(HttpPipelineTest, DeniedPermissionIsReportedToTheObserver) {
  std::vector<std::string> denied;
  pipeline().onDenied([&denied](const auth::Principal& who, const Request&, const Route& route) {
    denied.push_back(who.id + " " + route.method + " " + route.pattern + " " + route.permission);
  });
  EXPECT_EQ(send("GET", "/api/v1/secret", {{"Authorization", "Bearer good"}}).response.status(), 403);
  EXPECT_EQ(send("GET", "/api/v1/secret").response.status(), 401);  // anonymous: not a denial to audit
  auth_.permissions = {"read:secret"};
  EXPECT_EQ(send("GET", "/api/v1/secret", {{"Authorization", "Bearer good"}}).response.status(), 200);
  EXPECT_EQ(denied, (std::vector<std::string>{"42 GET /api/v1/secret read:secret"}));
}

}  // namespace
}  // namespace monti::http

namespace monti::http {
namespace {

TEST_F(HttpPipelineTest, StreamRoutesTakeTheTokenFromTheSubprotocolOrTheQuery) {
  add("GET", "/ws", kAuthenticated, [](const Request& r) { return Response::json({{"id", r.user()->id}}); });
  pipeline().acceptTokensOutsideHeaders("/ws");
  EXPECT_EQ(send("GET", "/ws?token=good").response.status(), 200);
  EXPECT_EQ(send("GET", "/ws", {{"Sec-WebSocket-Protocol", "monti, bearer.good"}}).response.status(), 200);
  EXPECT_EQ(send("GET", "/ws?token=bad").response.status(), 401);
  EXPECT_EQ(send("GET", "/ws").response.status(), 401);
  EXPECT_EQ(send("GET", "/ws?token=bad", {{"Authorization", "Bearer good"}}).response.status(), 200)
      << "a header wins over the query";
}

TEST_F(HttpPipelineTest, OtherRoutesIgnoreTokensInTheQuery) {
  pipeline().acceptTokensOutsideHeaders("/ws");
  EXPECT_EQ(send("GET", "/api/v1/me?token=good").response.status(), 401);
  EXPECT_EQ(send("GET", "/api/v1/me", {{"Sec-WebSocket-Protocol", "bearer.good"}}).response.status(), 401);
}

}  // namespace
}  // namespace monti::http
