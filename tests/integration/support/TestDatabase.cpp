#include "support/TestDatabase.hpp"

#include <unistd.h>

#include <cstdlib>
#include <random>
#include <sstream>

namespace monti::itest {

std::string runnerVariable(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before any thread writes it
  return value != nullptr ? value : "";
}

std::string withDatabaseName(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  const auto hostStart = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = url.find('?', hostStart);
  const auto slash = url.find('/', hostStart);
  if (slash == std::string::npos || (query != std::string::npos && slash > query)) {
    const auto at = query == std::string::npos ? url.size() : query;
    return url.substr(0, at) + "/" + database + url.substr(at);
  }
  return url.substr(0, slash + 1) + database + (query == std::string::npos ? "" : url.substr(query));
}

std::string uniqueName(const std::string& prefix) {
  std::random_device device;
  std::ostringstream name;
  name << prefix << "_" << getpid() << "_" << std::hex << device();
  return name.str();
}

TestDatabase::TestDatabase(const std::string& adminUrl, const std::string& appUrl)
    : adminUrl_(adminUrl), name_(uniqueName("t")), url_(withDatabaseName(appUrl, name_)) {
  const auto user = Sql(appUrl).scalar("SELECT current_user");
  // Identifiers cannot be parameters; both come from this process (uniqueName) and the runner's URL.
  Sql(adminUrl_).query("CREATE DATABASE " + name_ + " OWNER \"" + user + "\"");
}

TestDatabase::~TestDatabase() {
  sql_.reset();
  try {
    Sql(adminUrl_).query("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop test database " << name_ << ": " << e.what();
  }
}

Sql& TestDatabase::sql() {
  if (!sql_) sql_ = std::make_unique<Sql>(url_);
  return *sql_;
}

Environment exampleEnvironment(const std::string& databaseUrl, const std::string& podId) {
  auto env = withPlugins(baseEnvironment(), "example");
  env["DATABASE_URL"] = databaseUrl;
  env["POD_ID"] = podId;
  return env;
}

void DatabaseTest::SetUp() {
  const auto app = runnerVariable("MONTI_TEST_DATABASE_URL");
  const auto admin = runnerVariable("MONTI_TEST_DATABASE_ADMIN_URL");
  if (app.empty() || admin.empty()) {
    GTEST_SKIP() << "MONTI_TEST_DATABASE_URL and MONTI_TEST_DATABASE_ADMIN_URL are not both set (scripts/test sets "
                    "them); each test creates a database of its own";
  }
  database_ = std::make_unique<TestDatabase>(admin, app);
}

}  // namespace monti::itest
