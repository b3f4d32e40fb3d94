#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace monti::agentsim {

/// A bad command line: the message is printed with the usage hint and the process exits 64.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An admin account AgentSim logs in as; each one stands for a tenant.
struct AdminLogin {
  std::string username;
  std::string password;
};

/// Where the server is: only plain http (AgentSim drives a local or in-cluster server).
struct ServerUrl {
  std::string text;  // as given, for messages
  std::string host;
  unsigned short port = 80;
  std::string basePath;  // "" or "/prefix" without a trailing slash, put before /api/v1
};

/// Everything the command line sets.
struct Options {
  ServerUrl url;
  std::vector<AdminLogin> admins;  // [0] from --username, then one per --tenant-admins line
  int agents = 2000;
  std::vector<std::string> departments{"Sales", "Support", "Billing", "Technical", "Retention"};
  std::vector<std::string> locations{"Berlin", "Lisbon", "Austin", "Manila"};
  double statusRate = 2000;    // status changes per second, all agents together
  double activityRate = 500;   // activities per second, all agents together
  double durationSeconds = 0;  // 0: until SIGINT/SIGTERM
  int threads = 4;
  std::string prefix = "sim";
  bool reuse = false;
  double progressSeconds = 1;  // 0: no per-second lines, only the summary
};

/// The --help text.
extern const char* const kUsageText;

/// The outcome of parsing: either a help request or complete Options.
struct ParsedCommandLine {
  bool wantsHelp = false;
  Options options;
};
/// Parses argv (without argv[0]) and reads the password files and variables it names.
/// Throws UsageError with a one-line message.
ParsedCommandLine parseCommandLine(const std::vector<std::string>& args);

/// Splits and validates a URL such as http://127.0.0.1:8080. Throws UsageError.
ServerUrl parseServerUrl(const std::string& text);

}  // namespace monti::agentsim
