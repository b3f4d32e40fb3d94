#pragma once

#include "kv/KeyValue.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace monti::auth {

struct ThrottleSettings {
  int accountFailures = 5;  ///< per account within `accountWindow` …
  std::chrono::milliseconds accountWindow{15 * 60'000};
  std::chrono::milliseconds accountLockout{15 * 60'000};  ///< … lock the account this long
  int ipFailures = 20;                                    ///< per IP within `ipWindow`
  std::chrono::milliseconds ipWindow{60'000};
};

/// Failed-login throttling (CONTRACT.md): too many failures for an account lock it, even for the right
/// password; too many from one IP block that IP. Counted in the shared kv store, so every node agrees.
class LoginThrottle {
 public:
  LoginThrottle(kv::Counters& counters, ThrottleSettings settings);

  /// Seconds to wait when the account or the IP is blocked now; nullopt when a login may be tried.
  std::optional<std::chrono::seconds> blocked(const std::string& account, const std::string& ip);
  void recordFailure(const std::string& account, const std::string& ip);

 private:
  kv::Counters& counters_;
  ThrottleSettings settings_;
};

}  // namespace monti::auth
