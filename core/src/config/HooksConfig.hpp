#pragma once
/// The [hooks], [slack], [smtp] and [llm] sections: the Lua hooks engine and the services its scripts call.

#include "config/ConfigStore.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace monti::config {

struct SlackConfig {
  std::string webhookUrl;  ///< default incoming webhook for monti.slack.post
};

struct SmtpConfig {
  std::string url;  ///< smtp://host:25 (STARTTLS when offered) or smtps://host:465
  std::string username;
  std::string password;
  std::string from;
  std::chrono::milliseconds timeout{30000};
};

struct LlmConfig {
  std::string baseUrl;  ///< OpenAI-compatible API root, e.g. https://api.openai.com/v1
  std::string apiKey;
  std::string model;
  std::vector<std::string> fallbackModels;
  std::chrono::milliseconds timeout{60000};
  int maxRetries = 2;
  std::chrono::milliseconds cooldown{60000};  ///< a failing model is skipped this long
};

struct HooksConfig {
  bool enabled = true;
  std::string dir = "hooks";               ///< relative to the working directory
  int workers = 4;                         ///< threads running hook scripts
  int poolSize = 2;                        ///< Lua states kept per hook
  int claimBatch = 200;                    ///< deliveries claimed per round trip
  std::chrono::milliseconds lease{60000};  ///< at least; longer when a hook's timeout needs it
  std::chrono::milliseconds pollInterval{1000};
  std::chrono::milliseconds reloadInterval{2000};
  std::chrono::milliseconds timeout{10000};  ///< per run, unless the hook sets timeout_ms
  std::int64_t maxInstructions = 50'000'000;
  std::size_t maxMemoryBytes = std::size_t{32} << 20U;
  std::vector<std::string> allowedHosts;  ///< empty: any host
  std::vector<std::string> secrets;       ///< environment variables monti.secret may read
  int breakerFailures = 5;
  std::chrono::milliseconds breakerCooldown{30000};
  std::size_t maxResponseBytes = std::size_t{5} << 20U;
  std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};  ///< done deliveries are pruned after this
  SlackConfig slack;
  SmtpConfig smtp;
  LlmConfig llm;

  /// Reads the four sections from `store` (declaring every key). Throws ConfigError on an invalid value.
  static HooksConfig load(ConfigStore& store);
};

}  // namespace monti::config
