#include "auth/LoginThrottle.hpp"

#include <algorithm>
#include <cctype>

namespace monti::auth {
namespace {

std::chrono::seconds ceilSeconds(std::chrono::milliseconds ms) { return std::chrono::ceil<std::chrono::seconds>(ms); }

// Accounts are named case-insensitively, like logins.
std::string accountKey(std::string_view prefix, const std::string& account) {
  std::string key(prefix);
  for (char c : account)
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

LoginThrottle::LoginThrottle(kv::Counters& counters, ThrottleSettings settings)
    : counters_(counters), settings_(settings) {}

std::optional<std::chrono::seconds> LoginThrottle::blocked(const std::string& account, const std::string& ip) {
  // Adding 0 reads a counter; a key it creates holds 0 and expires with the window.
  if (counters_.increment(accountKey("login-lock:", account), 0, settings_.accountLockout) > 0) {
    return ceilSeconds(settings_.accountLockout);
  }
  if (counters_.increment("login-ip:" + ip, 0, settings_.ipWindow) >= settings_.ipFailures) {
    return ceilSeconds(settings_.ipWindow);
  }
  return std::nullopt;
}

void LoginThrottle::recordFailure(const std::string& account, const std::string& ip) {
  counters_.increment("login-ip:" + ip, 1, settings_.ipWindow);
  const auto failures = counters_.increment(accountKey("login-fail:", account), 1, settings_.accountWindow);
  if (failures >= settings_.accountFailures) {
    counters_.increment(accountKey("login-lock:", account), 1, settings_.accountLockout);
  }
}

}  // namespace monti::auth
