// The process as an operator sees it: command line, exit codes, and a graceful stop on SIGTERM.
#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <future>

namespace monti::itest {
namespace {

// Polls /metrics until at least `count` requests other than the polling one are in flight.
bool waitForInFlight(int port, int count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto value = metricValue(get(port, "/metrics").body, "monti_http_requests_in_flight");
    if (value && *value >= count + 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::future<HttpResponse> getAsync(int port, const std::string& target) {
  return std::async(std::launch::async, [port, target] { return get(port, target); });
}

TEST(Lifecycle, SigtermLetsInFlightRequestFinishThenExitsZero) {
  auto server = startServer(withPlugins(baseEnvironment(), "example"));
  auto slow = getAsync(server->port(), "/api/v1/example/slow?ms=1500");
  ASSERT_TRUE(waitForInFlight(server->port(), 1, std::chrono::seconds(5)));
  ASSERT_TRUE(server->waitUntilSignalIsHandled(SIGTERM));
  const auto signalled = std::chrono::steady_clock::now();
  server->signal(SIGTERM);

  ASSERT_EQ(slow.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto response = slow.get();
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.json().value("sleptMs", 0), 1500);

  const auto exitCode = server->waitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(exitCode) << "monti did not exit after draining\n" << server->describe();
  EXPECT_EQ(*exitCode, 0) << server->describe();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(8));
  EXPECT_NE(server->out().text().find("\"draining\""), std::string::npos) << server->describe();
  EXPECT_NE(server->out().text().find("\"stopped\""), std::string::npos) << server->describe();
}

TEST(Lifecycle, SigtermStopsAcceptingNewConnections) {
  auto server = startServer(withPlugins(baseEnvironment(), "example"));
  const int port = server->port();
  auto slow = getAsync(port, "/api/v1/example/slow?ms=1500");
  ASSERT_TRUE(waitForInFlight(port, 1, std::chrono::seconds(5)));
  ASSERT_TRUE(server->waitUntilSignalIsHandled(SIGTERM));
  server->signal(SIGTERM);
  ASSERT_TRUE(server->out().waitForLine(
      [](const std::string& l) { return l.find("\"draining\"") != std::string::npos; }, std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // stopAll() closes the listener right after
  EXPECT_FALSE(canConnect(port)) << "a draining server must not accept new connections";
  EXPECT_EQ(slow.get().status, 200);
  EXPECT_EQ(server->waitForExit(std::chrono::seconds(10)), 0) << server->describe();
}

TEST(Lifecycle, IdleServerExitsZeroPromptlyOnSigterm) {
  auto server = startServer(baseEnvironment());
  ASSERT_EQ(get(server->port(), "/health").status, 200);  // leaves a closed keep-alive connection behind
  ASSERT_TRUE(server->waitUntilSignalIsHandled(SIGTERM));
  const auto signalled = std::chrono::steady_clock::now();
  server->signal(SIGTERM);
  EXPECT_EQ(server->waitForExit(std::chrono::seconds(10)), 0) << server->describe();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(3));
}

TEST(Lifecycle, SigintAlsoStopsGracefully) {
  auto server = startServer(baseEnvironment());
  ASSERT_TRUE(server->waitUntilSignalIsHandled(SIGINT));
  server->signal(SIGINT);
  EXPECT_EQ(server->waitForExit(std::chrono::seconds(10)), 0) << server->describe();
}

// An orchestrator may stop a node the moment it is up: the signal must not take the default action (exit
// 143 without draining) just because it came before the main thread started waiting for it.
TEST(Lifecycle, SigtermRightAfterListeningStillExitsZero) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    MontiProcess server({}, baseEnvironment());
    server.waitUntilListening();
    server.signal(SIGTERM);
    const auto exitCode = server.waitForExit(std::chrono::seconds(10));
    ASSERT_EQ(exitCode, 0) << "attempt " << attempt << "\n" << server.describe();
  }
}

TEST(Lifecycle, OccupiedPortStopsStartupWithExit1) {
  const auto first = startServer(baseEnvironment());
  auto env = baseEnvironment();
  env["SERVER_PORT"] = std::to_string(first->port());
  const auto result = runToExit({}, env);
  ASSERT_TRUE(result.exitCode) << "a second server bound the same port\n" << result.out;
  EXPECT_EQ(*result.exitCode, 1) << result.err;
  EXPECT_NE(result.err.find(std::to_string(first->port())), std::string::npos) << result.err;
  EXPECT_EQ(get(first->port(), "/health").status, 200);
}

TEST(CommandLine, VersionPrintsVersionAndExitsZero) {
  const auto result = runToExit({"--version"}, baseEnvironment());
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out.rfind(std::string("monti ") + MONTI_EXPECTED_VERSION, 0), 0u) << result.out;
}

TEST(CommandLine, HelpPrintsUsageAndExitsZero) {
  const auto result = runToExit({"--help"}, baseEnvironment());
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_NE(result.out.find("usage: monti"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("serve"), std::string::npos) << result.out;
}

TEST(CommandLine, UnknownCommandExits64) {
  const auto result = runToExit({"frobnicate"}, baseEnvironment());
  ASSERT_EQ(result.exitCode, 64) << result.out << result.err;
  EXPECT_NE(result.err.find("frobnicate"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("usage: monti"), std::string::npos) << result.err;
}

TEST(CommandLine, UnknownOptionExits64) {
  const auto result = runToExit({"--frobnicate"}, baseEnvironment());
  ASSERT_EQ(result.exitCode, 64) << result.out << result.err;
  EXPECT_FALSE(result.err.empty());
}

TEST(CommandLine, ExtraArgumentToServeExits64) {
  const auto result = runToExit({"serve", "now"}, baseEnvironment());
  EXPECT_EQ(result.exitCode, 64) << result.out << result.err;
}

TEST(CommandLine, HelpDoesNotNeedValidConfig) {
  auto env = baseEnvironment();
  env["MONTI_FOO"] = "1";
  EXPECT_EQ(runToExit({"--help"}, env).exitCode, 0);
}

}  // namespace
}  // namespace monti::itest
