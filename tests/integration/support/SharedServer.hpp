#pragma once

#include "support/HttpClient.hpp"
#include "support/MontiProcess.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace monti::itest {

/// A fixture whose tests share one monti server, started once per suite with `Derived::environment()`.
/// Tests must not depend on each other: each uses its own correlation ids, words and deltas.
template <typename Derived>
class SharedServer : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    try {
      server_ = startServer(Derived::environment());
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

 protected:
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the shared monti server did not start: " << error_; }

  static MontiProcess& server() { return *server_; }
  static int port() { return server_->port(); }

 private:
  static inline std::unique_ptr<MontiProcess> server_;
  static inline std::string error_;
};

/// The JSON log lines on `process`'s stdout with "msg" == `msg` and "correlationId" == `correlationId`. Waits
/// for the first such line up to `wait`, then a little longer so that a duplicate would show up too.
inline std::vector<nlohmann::json> logLinesFor(const MontiProcess& process, const std::string& msg,
                                               const std::string& correlationId,
                                               std::chrono::milliseconds wait = std::chrono::seconds(5)) {
  auto matches = [&](const std::string& line) {
    const auto json = nlohmann::json::parse(line, nullptr, false);
    return json.is_object() && json.value("msg", "") == msg && json.value("correlationId", "") == correlationId;
  };
  if (process.out().waitForLine(matches, wait)) std::this_thread::sleep_for(std::chrono::milliseconds(150));
  std::vector<nlohmann::json> found;
  for (const auto& line : process.out().lines()) {
    if (matches(line)) found.push_back(nlohmann::json::parse(line));
  }
  return found;
}

}  // namespace monti::itest
