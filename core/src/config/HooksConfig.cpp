#include "config/HooksConfig.hpp"

#include "config/ConfigSection.hpp"

namespace monti::config {
namespace {

constexpr std::int64_t kMiB = std::int64_t{1024} * 1024;

int asInt(std::int64_t value) { return static_cast<int>(value); }

}  // namespace

HooksConfig HooksConfig::load(ConfigStore& store) {
  HooksConfig h;
  ConfigSection hooks(store, "hooks");
  h.enabled = hooks.boolean("enabled", true, {.help = "Run Lua hooks (deliveries are still recorded when off)"});
  h.dir = hooks.string("dir", "hooks", {.help = "Folder of *.lua hook files"});
  h.workers = asInt(hooks.integer("workers", 4, 1, 64, {.help = "Threads running hook scripts on this node"}));
  h.poolSize = asInt(hooks.integer("pool_size", 2, 1, 64, {.help = "Lua states kept per hook"}));
  h.claimBatch =
      asInt(hooks.integer("claim_batch", 200, 1, 5000, {.help = "Deliveries claimed from the database at once"}));
  h.lease = hooks.duration("lease", std::chrono::seconds(60),
                           {.help = "How long a claimed delivery belongs to its node (at least the hook's timeout "
                                    "plus 10 s); after it, another node retries it"});
  h.pollInterval = hooks.duration("poll_interval", std::chrono::seconds(1),
                                  {.help = "Longest wait between looks for due deliveries (retries)"});
  h.reloadInterval = hooks.duration("reload_interval", std::chrono::seconds(2),
                                    {.help = "How often hook files are checked for changes"});
  h.timeout = hooks.duration("timeout", std::chrono::seconds(10),
                             {.help = "Wall-clock limit of one run unless the hook sets timeout_ms"});
  h.maxInstructions = hooks.integer("max_instructions", 50'000'000, 1000, 10'000'000'000,
                                    {.help = "Lua instructions one run may execute"});
  h.maxMemoryBytes = static_cast<std::size_t>(
      hooks.integer("max_memory_bytes", 32 * kMiB, kMiB, 1024 * kMiB, {.help = "Memory of one hook's Lua state"}));
  h.allowedHosts =
      hooks.list("allowed_hosts", "",
                 {
                     .help = "Hosts monti.http and monti.webhook may reach (example.com, *.example.com); empty: any",
                 });
  h.secrets = hooks.list("secrets", "", {.help = "Environment variables hooks may read with monti.secret(name)"});
  h.breakerFailures = asInt(hooks.integer("breaker_failures", 5, 1, 1000,
                                          {.help = "Consecutive failures that open a host's circuit breaker"}));
  h.breakerCooldown = hooks.duration("breaker_cooldown", std::chrono::seconds(30),
                                     {.help = "How long an open breaker refuses calls before a probe"});
  h.maxResponseBytes = static_cast<std::size_t>(hooks.integer(
      "max_response_bytes", 5 * kMiB, 1024, 256 * kMiB, {.help = "Largest HTTP response body a hook may receive"}));
  h.retention = hooks.duration("retention", std::chrono::hours(24 * 7),
                               {.help = "How long done deliveries are kept (dead ones stay until replayed)"});

  ConfigSection slack(store, "slack");
  h.slack.webhookUrl = slack.string(
      "webhook_url", "",
      {.help = "Default Slack incoming webhook for monti.slack.post", .env = "SLACK_WEBHOOK_URL", .secret = true});

  ConfigSection smtp(store, "smtp");
  h.smtp.url = smtp.string(
      "url", "",
      {.help = "SMTP server: smtp://host:25 (STARTTLS when offered) or smtps://host:465", .env = "SMTP_URL"});
  h.smtp.username = smtp.string("username", "", {.help = "SMTP login", .env = "SMTP_USERNAME"});
  h.smtp.password = smtp.string("password", "", {.help = "SMTP password", .env = "SMTP_PASSWORD", .secret = true});
  h.smtp.from = smtp.string("from", "", {.help = "Sender address of monti.email.send", .env = "SMTP_FROM"});
  h.smtp.timeout = smtp.duration("timeout", std::chrono::seconds(30), {.help = "Longest SMTP conversation"});

  ConfigSection llm(store, "llm");
  h.llm.baseUrl = llm.string(
      "base_url", "", {.help = "OpenAI-compatible API root, e.g. https://api.openai.com/v1", .env = "LLM_BASE_URL"});
  h.llm.apiKey = llm.string("api_key", "", {.help = "Bearer key of the LLM API", .env = "LLM_API_KEY", .secret = true});
  h.llm.model =
      llm.string("model", "", {.help = "Model of monti.llm.complete unless the call names one", .env = "LLM_MODEL"});
  h.llm.fallbackModels = llm.list("fallback_models", "",
                                  {.help = "Models tried in order when the first fails", .env = "LLM_FALLBACK_MODELS"});
  h.llm.timeout = llm.duration("timeout", std::chrono::seconds(60), {.help = "Longest LLM call", .env = "LLM_TIMEOUT"});
  h.llm.maxRetries = asInt(
      llm.integer("max_retries", 2, 0, 10, {.help = "Retries of a 429/5xx within one call", .env = "LLM_MAX_RETRIES"}));
  h.llm.cooldown = llm.duration("cooldown", std::chrono::seconds(60), {.help = "How long a failing model is skipped"});
  return h;
}

}  // namespace monti::config
