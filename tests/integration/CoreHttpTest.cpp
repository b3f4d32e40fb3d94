// The core HTTP pipeline as a client sees it: one real monti with the example plugin, CORS for one origin,
// a 1 KiB body limit and a 1 s request deadline.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"
#include "support/SharedServer.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace monti::itest {
namespace {

constexpr const char* kOrigin = "https://app.example";
constexpr int kMaxBody = 1024;

class CoreHttp : public SharedServer<CoreHttp> {
 public:
  static Environment environment() {
    auto env = withPlugins(baseEnvironment(), "example");
    env["MONTI_CORS_ALLOWED_ORIGINS"] = kOrigin;
    env["MONTI_SERVER_MAX_BODY_BYTES"] = std::to_string(kMaxBody);
    env["MONTI_SERVER_REQUEST_TIMEOUT"] = "1s";
    return env;
  }
};

bool isUuid(const std::string& text) {
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_match(text, kUuid);
}

// Asserts the one error shape of DESIGN.md and returns the error object.
nlohmann::json errorOf(const HttpResponse& response, const std::string& code) {
  const auto body = response.json();
  EXPECT_TRUE(body.contains("error")) << response.body;
  auto error = body.value("error", nlohmann::json::object());
  EXPECT_EQ(error.value("code", ""), code) << response.body;
  EXPECT_FALSE(error.value("message", "").empty()) << response.body;
  EXPECT_TRUE(error.contains("details") && error.at("details").is_array()) << response.body;
  EXPECT_EQ(error.value("correlationId", ""), response.header("X-Correlation-ID").value_or("<none>")) << response.body;
  EXPECT_EQ(response.header("Content-Type").value_or(""), "application/json");
  return error;
}

TEST_F(CoreHttp, ListeningLineIsJsonWithHostAndPort) {
  const auto line = server().out().waitForLine(
      [](const std::string& l) { return l.find("\"listening\"") != std::string::npos; }, std::chrono::seconds(1));
  ASSERT_TRUE(line);
  const auto json = nlohmann::json::parse(*line);
  EXPECT_EQ(json.value("level", ""), "info");
  EXPECT_EQ(json.value("host", ""), "127.0.0.1");
  EXPECT_EQ(json.value("pod", ""), "itest-pod");
  EXPECT_GT(json.value("port", 0), 0);
  EXPECT_EQ(json.value("port", 0), port());
  EXPECT_TRUE(json.contains("ts"));
}

TEST_F(CoreHttp, HealthIsHealthyWhenNoDependencyIsConfigured) {
  const auto response = get(port(), "/health");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = response.json();
  EXPECT_EQ(body.value("status", ""), "healthy");
  EXPECT_EQ(body["checks"]["database"].value("status", ""), "disabled");
  EXPECT_EQ(body["checks"]["redis"].value("status", ""), "disabled");
}

TEST_F(CoreHttp, HealthNamesPodVersionAndUptime) {
  const auto body = get(port(), "/health").json();
  EXPECT_EQ(body.value("podId", ""), "itest-pod");
  EXPECT_EQ(body.value("version", ""), MONTI_EXPECTED_VERSION);
  ASSERT_TRUE(body.contains("uptimeSeconds") && body["uptimeSeconds"].is_number()) << body.dump();
  EXPECT_GE(body["uptimeSeconds"].get<double>(), 0);
  EXPECT_TRUE(body["checks"]["database"]["latencyMs"].is_number()) << body.dump();
}

TEST_F(CoreHttp, MetricsAreServedAsPrometheusText) {
  ASSERT_EQ(get(port(), "/health").status, 200);  // request metrics exist once a request has finished
  const auto response = get(port(), "/metrics");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type").value_or("").rfind("text/plain", 0), 0u);
  EXPECT_NE(response.body.find("# TYPE monti_http_requests_total counter"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("# TYPE monti_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_EQ(get(port(), "/api/v1/metrics").status, 200);
}

TEST_F(CoreHttp, MetricsCountRequestsByRouteMethodAndStatus) {
  const std::string ok = R"(monti_http_requests_total{route="/api/v1/example/echo/:word",method="GET",status="200"})";
  const std::string missing = R"(monti_http_requests_total{route="unmatched",method="GET",status="404"})";
  const auto before = get(port(), "/metrics").body;
  ASSERT_EQ(get(port(), "/api/v1/example/echo/one").status, 200);
  ASSERT_EQ(get(port(), "/api/v1/example/echo/two").status, 200);
  ASSERT_EQ(get(port(), "/no/such/thing").status, 404);
  const auto after = get(port(), "/metrics").body;
  ASSERT_TRUE(metricValue(after, ok)) << after;
  EXPECT_EQ(*metricValue(after, ok) - metricValue(before, ok).value_or(0), 2);
  ASSERT_TRUE(metricValue(after, missing)) << after;
  EXPECT_EQ(*metricValue(after, missing) - metricValue(before, missing).value_or(0), 1);
}

TEST_F(CoreHttp, UnknownPathGets404InErrorShape) {
  const auto response = get(port(), "/definitely/not/here");
  ASSERT_EQ(response.status, 404);
  errorOf(response, "not_found");
}

TEST_F(CoreHttp, WrongMethodGets405WithAllowHeader) {
  const auto response = send(port(), HttpRequest{"DELETE", "/api/v1/example/items", {}, std::nullopt});
  ASSERT_EQ(response.status, 405) << response.body;
  errorOf(response, "method_not_allowed");
  EXPECT_EQ(response.header("Allow").value_or("<none>"), "POST, OPTIONS");
  const auto health = send(port(), HttpRequest{"POST", "/health", {}, std::string("{}")});
  ASSERT_EQ(health.status, 405);
  EXPECT_EQ(health.header("Allow").value_or("<none>"), "GET, HEAD, OPTIONS");
}

TEST_F(CoreHttp, OptionsListsAllowedMethods) {
  const auto response = send(port(), HttpRequest{"OPTIONS", "/api/v1/example/items", {}, std::nullopt});
  ASSERT_EQ(response.status, 204);
  EXPECT_EQ(response.header("Allow").value_or("<none>"), "POST, OPTIONS");
}

TEST_F(CoreHttp, DeclaredBodyOverLimitGets413WithoutWaitingForIt) {
  // 10 MiB announced, none sent: the answer must come from the header alone.
  const auto response = sendRaw(port(),
                                "POST /api/v1/example/items HTTP/1.1\r\nHost: localhost\r\n"
                                "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n",
                                std::chrono::seconds(3));
  ASSERT_EQ(response.status, 413) << response.body;
  errorOf(response, "payload_too_large");
  EXPECT_EQ(response.header("Connection").value_or(""), "Close");
}

TEST_F(CoreHttp, ChunkedBodyOverLimitGets413) {
  const std::string chunk(kMaxBody + 100, 'a');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  const auto response = sendRaw(port(), std::string("POST /api/v1/example/items HTTP/1.1\r\nHost: localhost\r\n"
                                                    "Content-Type: application/json\r\n"
                                                    "Transfer-Encoding: chunked\r\n\r\n") +
                                            size + "\r\n" + chunk + "\r\n0\r\n\r\n");
  ASSERT_EQ(response.status, 413) << response.body;
  errorOf(response, "payload_too_large");
}

TEST_F(CoreHttp, ChunkedBodyWithinLimitIsAccepted) {
  const std::string json = R"({"name":"chunky"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", json.size());
  const auto response = sendRaw(port(), std::string("POST /api/v1/example/items HTTP/1.1\r\nHost: localhost\r\n"
                                                    "Content-Type: application/json\r\nConnection: close\r\n"
                                                    "Transfer-Encoding: chunked\r\n\r\n") +
                                            size + "\r\n" + json + "\r\n0\r\n\r\n");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.json().value("name", ""), "chunky");
}

TEST_F(CoreHttp, BodyOfExactlyTheLimitIsAccepted) {
  const std::string prefix = R"({"name":")";
  const std::string suffix = R"("})";
  const std::string body = prefix + std::string(kMaxBody - prefix.size() - suffix.size(), 'x') + suffix;
  ASSERT_EQ(body.size(), static_cast<std::size_t>(kMaxBody));
  const auto response = postJson(port(), "/api/v1/example/items", body);
  EXPECT_EQ(response.status, 201) << response.body;
}

TEST_F(CoreHttp, NonJsonBodyGets415) {
  HttpRequest request{"POST", "/api/v1/example/items", {}, std::string("name=x")};
  request.contentType = "application/x-www-form-urlencoded";
  const auto response = send(port(), request);
  ASSERT_EQ(response.status, 415) << response.body;
  errorOf(response, "unsupported_media_type");
}

TEST_F(CoreHttp, JsonContentTypeWithCharsetIsAccepted) {
  HttpRequest request{"POST", "/api/v1/example/items", {}, std::string(R"({"name":"x"})")};
  request.contentType = "application/json; charset=utf-8";
  EXPECT_EQ(send(port(), request).status, 201);
}

TEST_F(CoreHttp, MalformedJsonGets400AndServerKeepsServing) {
  const auto response = postJson(port(), "/api/v1/example/items", R"({"name": "unterminated)");
  ASSERT_EQ(response.status, 400) << response.body;
  const auto error = errorOf(response, "validation_failed");
  ASSERT_FALSE(error["details"].empty());
  EXPECT_EQ(error["details"][0].value("field", ""), "body");
  EXPECT_EQ(get(port(), "/health").status, 200);
  EXPECT_EQ(postJson(port(), "/api/v1/example/items", R"({"name":"fine"})").status, 201);
}

TEST_F(CoreHttp, CorsPreflightFromAllowedOriginIsAnswered) {
  const auto response = send(port(), HttpRequest{"OPTIONS",
                                                 "/api/v1/example/items",
                                                 {{"Origin", kOrigin},
                                                  {"Access-Control-Request-Method", "POST"},
                                                  {"Access-Control-Request-Headers", "Content-Type"}},
                                                 std::nullopt});
  ASSERT_EQ(response.status, 204);
  EXPECT_EQ(response.header("Access-Control-Allow-Origin").value_or("<none>"), kOrigin);
  EXPECT_NE(response.header("Access-Control-Allow-Methods").value_or("").find("POST"), std::string::npos);
  EXPECT_NE(response.header("Access-Control-Allow-Headers").value_or("").find("Content-Type"), std::string::npos);
  EXPECT_EQ(response.header("Access-Control-Max-Age").value_or("<none>"), "600");
  EXPECT_EQ(response.header("Vary").value_or("<none>"), "Origin");
}

TEST_F(CoreHttp, CorsPreflightFromOtherOriginGetsNoCorsHeaders) {
  const auto response =
      send(port(), HttpRequest{"OPTIONS",
                               "/api/v1/example/items",
                               {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}},
                               std::nullopt});
  EXPECT_FALSE(response.header("Access-Control-Allow-Origin")) << *response.header("Access-Control-Allow-Origin");
  EXPECT_FALSE(response.header("Access-Control-Allow-Methods"));
}

TEST_F(CoreHttp, CorsHeadersDecorateResponsesToTheAllowedOrigin) {
  const auto response = get(port(), "/api/v1/example/echo/cors", {{"Origin", kOrigin}});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Access-Control-Allow-Origin").value_or("<none>"), kOrigin);
  EXPECT_NE(response.header("Access-Control-Expose-Headers").value_or("").find("X-Correlation-ID"), std::string::npos);
  const auto error = get(port(), "/nowhere", {{"Origin", kOrigin}});
  EXPECT_EQ(error.header("Access-Control-Allow-Origin").value_or("<none>"), kOrigin);
}

TEST_F(CoreHttp, ClientCorrelationIdIsEchoed) {
  const std::string id = "itest-echo-7f3a";
  const auto ok = get(port(), "/health", {{"X-Correlation-ID", id}});
  EXPECT_EQ(ok.header("X-Correlation-ID").value_or("<none>"), id);
  const auto error = get(port(), "/nowhere", {{"X-Correlation-ID", id}});
  EXPECT_EQ(error.header("X-Correlation-ID").value_or("<none>"), id);
  EXPECT_EQ(error.json()["error"].value("correlationId", ""), id);
}

TEST_F(CoreHttp, CorrelationIdIsGeneratedWhenMissing) {
  const auto first = get(port(), "/health");
  const auto second = get(port(), "/health");
  const auto a = first.header("X-Correlation-ID").value_or("");
  const auto b = second.header("X-Correlation-ID").value_or("");
  EXPECT_TRUE(isUuid(a)) << a;
  EXPECT_TRUE(isUuid(b)) << b;
  EXPECT_NE(a, b);
}

TEST_F(CoreHttp, OverlongOrOddCorrelationIdIsReplaced) {
  const std::string overlong(129, 'a');
  const auto longResponse = get(port(), "/health", {{"X-Correlation-ID", overlong}});
  EXPECT_TRUE(isUuid(longResponse.header("X-Correlation-ID").value_or(""))) << *longResponse.header("X-Correlation-ID");
  const auto odd = get(port(), "/health", {{"X-Correlation-ID", "<script>alert(1)</script>"}});
  EXPECT_TRUE(isUuid(odd.header("X-Correlation-ID").value_or(""))) << *odd.header("X-Correlation-ID");
  const std::string longest(128, 'b');
  EXPECT_EQ(get(port(), "/health", {{"X-Correlation-ID", longest}}).header("X-Correlation-ID").value_or(""), longest);
}

TEST_F(CoreHttp, EachRequestLogsExactlyOneJsonLine) {
  struct Case {
    std::string id;
    std::string target;
    std::string route;
    int status;
  };
  const std::vector<Case> cases{
      {"itest-log-ok", "/api/v1/example/echo/logged", "/api/v1/example/echo/:word", 200},
      {"itest-log-404", "/not/a/route", "unmatched", 404},
      {"itest-log-405", "/health", "unmatched", 405},
  };
  for (const auto& c : cases) {
    const auto response =
        c.status == 405 ? send(port(), HttpRequest{"DELETE", c.target, {{"X-Correlation-ID", c.id}}, std::nullopt})
                        : get(port(), c.target, {{"X-Correlation-ID", c.id}});
    ASSERT_EQ(response.status, c.status);
    const auto lines = logLinesFor(server(), "request", c.id);
    ASSERT_EQ(lines.size(), 1u) << c.id << "\n" << server().out().text();
    const auto& line = lines[0];
    EXPECT_EQ(line.value("level", ""), "info");
    EXPECT_EQ(line.value("method", ""), c.status == 405 ? "DELETE" : "GET");
    EXPECT_EQ(line.value("path", ""), c.target);
    EXPECT_EQ(line.value("route", ""), c.route);
    EXPECT_EQ(line.value("status", 0), c.status);
    EXPECT_TRUE(line.contains("durationMs") && line["durationMs"].is_number()) << line.dump();
    EXPECT_EQ(line.value("bytes", -1), static_cast<int>(response.body.size())) << line.dump();
    EXPECT_TRUE(line.contains("userId") && line["userId"].is_null()) << line.dump();
    EXPECT_TRUE(line.contains("ts") && line["ts"].is_string()) << line.dump();
  }
}

TEST_F(CoreHttp, EveryStdoutLineIsJson) {
  get(port(), "/api/v1/example/boom");  // an error log line too
  postJson(port(), "/api/v1/example/items", "{bad json");
  get(port(), "/api/v1/example/echo/%22quoted%5C%22");
  ASSERT_TRUE(logLinesFor(server(), "request", get(port(), "/health").header("X-Correlation-ID").value_or("")).size() ==
              1);
  const auto lines = server().out().lines();
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) {
    const auto json = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(json.is_object()) << line;
    EXPECT_TRUE(json.contains("ts") && json.contains("level") && json.contains("msg")) << line;
  }
}

TEST_F(CoreHttp, ApiAliasServesV1Routes) {
  const auto response = get(port(), "/api/example/echo/alias");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("word", ""), "alias");
  const auto explicitV1 = get(port(), "/api/example/echo/alias", {{"Accept-Version", "v1"}});
  EXPECT_EQ(explicitV1.status, 200);
}

TEST_F(CoreHttp, UnsupportedAcceptVersionGets400) {
  const auto response = get(port(), "/api/example/echo/x", {{"Accept-Version", "v2"}});
  ASSERT_EQ(response.status, 400) << response.body;
  const auto error = errorOf(response, "unsupported_version");
  EXPECT_NE(error.value("message", "").find("v1"), std::string::npos) << response.body;
}

TEST_F(CoreHttp, UnsupportedVersionInPathGets400) {
  const auto response = get(port(), "/api/v2/example/echo/x");
  ASSERT_EQ(response.status, 400) << response.body;
  errorOf(response, "unsupported_version");
}

TEST_F(CoreHttp, HeadGetsHeadersWithoutBody) {
  const auto response = send(port(), HttpRequest{"HEAD", "/api/v1/example/echo/head", {}, std::nullopt});
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  const auto getResponse = get(port(), "/api/v1/example/echo/head");
  EXPECT_EQ(response.header("Content-Length").value_or("<none>"), std::to_string(getResponse.body.size()));
}

TEST_F(CoreHttp, SecurityHeadersAreSetOnEveryResponse) {
  for (const auto& target : {"/health", "/nowhere"}) {
    const auto response = get(port(), target);
    EXPECT_EQ(response.header("X-Content-Type-Options").value_or(""), "nosniff") << target;
    EXPECT_EQ(response.header("X-Frame-Options").value_or(""), "DENY") << target;
  }
}

TEST_F(CoreHttp, UriOver8KiBGets414) {
  const auto response = get(port(), "/api/v1/example/echo/" + std::string(9000, 'u'));
  ASSERT_EQ(response.status, 414) << response.body;
  errorOf(response, "uri_too_long");
}

TEST_F(CoreHttp, HeadersOver64KiBGet431) {
  std::string request = "GET /health HTTP/1.1\r\nHost: localhost\r\n";
  for (int i = 0; i < 12; ++i)
    request += "X-Filler-" + std::to_string(i) + ": " + std::string(6000, 'h') + "\r\n";
  request += "\r\n";
  const auto exchange = exchangeRaw(port(), request, std::chrono::seconds(5));
  ASSERT_EQ(exchange.received.rfind("HTTP/1.1 431", 0), 0u) << exchange.received.substr(0, 300);
  EXPECT_EQ(get(port(), "/health").status, 200);
}

TEST_F(CoreHttp, RequestPastItsDeadlineGets503) {
  const auto response = get(port(), "/api/v1/example/slow?ms=1200");
  ASSERT_EQ(response.status, 503) << response.body;
  errorOf(response, "deadline_exceeded");
  EXPECT_TRUE(response.header("Retry-After")) << "503 needs Retry-After";
}

TEST_F(CoreHttp, RequestWithinItsDeadlineSucceeds) {
  const auto response = get(port(), "/api/v1/example/slow?ms=50");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("sleptMs", 0), 50);
}

TEST_F(CoreHttp, KeepAliveConnectionServesSeveralRequests) {
  const std::string one = "GET /api/v1/example/echo/first HTTP/1.1\r\nHost: localhost\r\n\r\n";
  const std::string two = "GET /api/v1/example/echo/second HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  const auto exchange = exchangeRaw(port(), one + two, std::chrono::seconds(5), true);
  EXPECT_TRUE(exchange.closedByServer);
  const auto first = exchange.received.find(R"("word":"first")");
  const auto second = exchange.received.find(R"("word":"second")");
  ASSERT_NE(first, std::string::npos) << exchange.received;
  ASSERT_NE(second, std::string::npos) << exchange.received;
  EXPECT_LT(first, second);
}

}  // namespace
}  // namespace monti::itest
