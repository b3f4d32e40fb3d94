#include "Options.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace monti::agentsim {

const char* const kUsageText =
    "usage: monti-agentsim --username ADMIN (--password-file FILE | --password-env VAR) [options]\n"
    "\n"
    "Creates simulated agents through the agents API, then drives status changes and ticket/message\n"
    "activity at a steady rate until the duration ends or SIGINT/SIGTERM.\n"
    "\n"
    "options:\n"
    "  --url URL               server (default http://127.0.0.1:8080)\n"
    "  --username NAME         admin account to log in as (its tenant gets the agents)\n"
    "  --password-file FILE    file whose first line is that admin's password\n"
    "  --password-env VAR      environment variable holding that admin's password\n"
    "  --tenant-admins FILE    lines username:password, one admin per extra tenant; agents are spread\n"
    "                          round-robin over all tenants\n"
    "  --agents N              agents to create or reuse (default 2000)\n"
    "  --departments A,B,...   default Sales,Support,Billing,Technical,Retention (earlier ones get more)\n"
    "  --locations A,B,...     default Berlin,Lisbon,Austin,Manila (round-robin)\n"
    "  --rate R                status changes per second, all agents together (default 2000; 0: none)\n"
    "  --activity-rate R       tickets and messages per second, all agents together (default 500; 0: none)\n"
    "  --duration SECONDS      run time of the traffic phase (default 0: until SIGINT/SIGTERM)\n"
    "  --threads N             concurrent connections, for creation and traffic (default 4)\n"
    "  --prefix P              agents are named P_1 .. P_N (default sim)\n"
    "  --reuse                 only use existing P_N agents, create none\n"
    "  --progress SECONDS      interval of the progress line (default 1; 0: summary only)\n"
    "  -h, --help              print this help\n"
    "\n"
    "exit codes: 0 ok, 1 failure, 64 usage\n";

namespace {

constexpr int kMaxAgents = 1'000'000;
constexpr int kMaxThreads = 256;
constexpr double kMaxRate = 1'000'000;
constexpr std::size_t kMaxPrefix = 40;  // usernames are at most 50 characters: room for "_1000000"

bool isUsernameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

int parseInt(const std::string& flag, const std::string& text, int low, int high) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < low || value > high) {
    throw UsageError(flag + " \"" + text + "\": expected an integer " + std::to_string(low) + ".." +
                     std::to_string(high));
  }
  return value;
}

double parseNumber(const std::string& flag, const std::string& text, double high) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0 || value > high) {
    throw UsageError(flag + " \"" + text + "\": expected a number 0.." + std::to_string(static_cast<long>(high)));
  }
  return value;
}

std::vector<std::string> parseList(const std::string& flag, const std::string& text) {
  std::vector<std::string> items;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.size() < 2 || item.size() > 100) {
      throw UsageError(flag + " \"" + text + "\": expected comma-separated names of 2..100 characters");
    }
    if (seen.insert(item).second) items.push_back(std::move(item));
    start = comma + 1;
  }
  return items;
}

std::string stripLineEnd(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  return line;
}

std::string readPasswordFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--password-file " + path + ": cannot read it: " + std::strerror(errno));
  std::string line;
  std::getline(in, line);
  line = stripLineEnd(line);
  if (line.empty()) throw UsageError("--password-file " + path + ": the first line is empty");
  return line;
}

std::string readPasswordEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0')
    throw UsageError("--password-env " + name + ": the variable is unset or empty");
  return value;
}

void requireUsername(const std::string& what, const std::string& name) {
  if (name.empty() || name.size() > 50 || !std::all_of(name.begin(), name.end(), isUsernameChar)) {
    throw UsageError(what + " \"" + name + "\": expected 1..50 of A-Z a-z 0-9 _");
  }
}

std::vector<AdminLogin> readTenantAdmins(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--tenant-admins " + path + ": cannot read it: " + std::strerror(errno));
  std::vector<AdminLogin> admins;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = stripLineEnd(line);
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    const std::string where = "--tenant-admins " + path + ":" + std::to_string(number);
    if (colon == std::string::npos || colon + 1 == line.size()) {
      throw UsageError(where + ": expected username:password");
    }
    AdminLogin admin{line.substr(0, colon), line.substr(colon + 1)};
    requireUsername(where + ": username", admin.username);
    admins.push_back(std::move(admin));
  }
  if (admins.empty()) throw UsageError("--tenant-admins " + path + ": no username:password lines");
  return admins;
}

// The flags that take a value; anything else starting with -- is a switch or unknown.
const std::set<std::string, std::less<>> kValueFlags{
    "--url",       "--username", "--password-file", "--password-env", "--tenant-admins", "--agents", "--departments",
    "--locations", "--rate",     "--activity-rate", "--duration",     "--threads",       "--prefix", "--progress"};

}  // namespace

ServerUrl parseServerUrl(const std::string& text) {
  ServerUrl url;
  url.text = text;
  constexpr std::string_view kScheme = "http://";
  if (text.rfind("https://", 0) == 0) throw UsageError("--url " + text + ": https is not supported, use http://");
  if (text.rfind(kScheme, 0) != 0) throw UsageError("--url \"" + text + "\": expected http://HOST[:PORT][/PATH]");
  std::string rest = text.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.basePath = rest.substr(slash);
  while (!url.basePath.empty() && url.basePath.back() == '/')
    url.basePath.pop_back();
  if (url.basePath.find_first_of("?# ") != std::string::npos) {
    throw UsageError("--url " + text + ": expected no query or fragment");
  }
  std::string port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string::npos) throw UsageError("--url " + text + ": unterminated IPv6 address");
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw UsageError("--url " + text + ": expected :PORT after the address");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    url.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty() || url.host.find('@') != std::string::npos) {
    throw UsageError("--url \"" + text + "\": expected http://HOST[:PORT][/PATH]");
  }
  if (!port.empty()) url.port = static_cast<unsigned short>(parseInt("--url port", port, 1, 65535));
  return url;
}

ParsedCommandLine parseCommandLine(const std::vector<std::string>& args) {
  ParsedCommandLine parsed;
  std::map<std::string, std::string, std::less<>> values;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "-h" || flag == "--help") {
      parsed.wantsHelp = true;
      return parsed;
    }
    if (flag == "--reuse") {
      if (value) throw UsageError("--reuse takes no value");
      parsed.options.reuse = true;
      continue;
    }
    if (flag == "--password") {
      throw UsageError("--password is not accepted (it would show in ps): use --password-file or --password-env");
    }
    if (kValueFlags.count(flag) == 0) throw UsageError("unknown option \"" + args[i] + "\"");
    if (!value) {
      if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
      value = args[++i];
    }
    if (!values.emplace(flag, *value).second) throw UsageError(flag + " given twice");
  }

  Options& o = parsed.options;
  const auto has = [&](std::string_view flag) { return values.count(flag) != 0; };
  const auto get = [&](std::string_view flag) { return values.find(flag)->second; };
  o.url = parseServerUrl(has("--url") ? get("--url") : "http://127.0.0.1:8080");
  if (has("--agents")) o.agents = parseInt("--agents", get("--agents"), 1, kMaxAgents);
  if (has("--departments")) o.departments = parseList("--departments", get("--departments"));
  if (has("--locations")) o.locations = parseList("--locations", get("--locations"));
  if (has("--rate")) o.statusRate = parseNumber("--rate", get("--rate"), kMaxRate);
  if (has("--activity-rate")) o.activityRate = parseNumber("--activity-rate", get("--activity-rate"), kMaxRate);
  if (has("--duration")) o.durationSeconds = parseNumber("--duration", get("--duration"), 365.0 * 24 * 3600);
  if (has("--threads")) o.threads = parseInt("--threads", get("--threads"), 1, kMaxThreads);
  if (has("--progress")) o.progressSeconds = parseNumber("--progress", get("--progress"), 3600);
  if (has("--prefix")) {
    o.prefix = get("--prefix");
    if (o.prefix.size() > kMaxPrefix) throw UsageError("--prefix \"" + o.prefix + "\": at most 40 characters");
    requireUsername("--prefix", o.prefix);
  }

  if (!has("--username")) throw UsageError("--username is required");
  AdminLogin admin{get("--username"), {}};
  requireUsername("--username", admin.username);
  if (has("--password-file") == has("--password-env")) {
    throw UsageError("give exactly one of --password-file FILE and --password-env VAR");
  }
  admin.password =
      has("--password-file") ? readPasswordFile(get("--password-file")) : readPasswordEnv(get("--password-env"));
  o.admins.push_back(std::move(admin));
  if (has("--tenant-admins")) {
    for (auto& extra : readTenantAdmins(get("--tenant-admins")))
      o.admins.push_back(std::move(extra));
  }
  std::set<std::string> names;
  for (const auto& a : o.admins) {
    if (!names.insert(a.username).second) throw UsageError("admin " + a.username + " is listed twice");
  }
  return parsed;
}

}  // namespace monti::agentsim
