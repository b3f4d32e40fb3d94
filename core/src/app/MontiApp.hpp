#pragma once

#include <Poco/Util/ServerApplication.h>

#include <map>
#include <string>
#include <vector>

namespace monti::app {

/// Exit codes (sysexits.h where one fits).
enum ExitCode : int { kOk = 0, kFailure = 1, kUsage = 64, kConfig = 78 };

/// The `monti` executable: serve (default), migrate, plugins, config check, config docs.
class MontiApp final : public Poco::Util::ServerApplication {
 public:
  /// Parses the command line and runs the command; returns the process exit code.
  int execute(int argc, char** argv);

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  int main(const std::vector<std::string>& args) override;

 private:
  int dispatch(const std::vector<std::string>& args);
  int serve();
  int listPlugins();
  int listRoutes();
  int createUser(const std::map<std::string, std::string>& flags);
  int migrate(const std::string& action, int count);
  int configCheck(bool markdown);

  std::string configPath_;
  bool helpRequested_ = false;
  bool versionRequested_ = false;
  std::map<std::string, std::string> accountFlags_;  // --username, --email, --role, --tenant
};

}  // namespace monti::app
