#include "obs/DependencyProbes.hpp"

#include "obs/Redact.hpp"

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <stdexcept>

namespace monti::obs {
namespace {

int parsePort(std::string_view text, const std::string& url) {
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
    throw std::invalid_argument("bad port in Redis URL " + url);
  }
  return port;
}

}  // namespace

RedisAddress parseRedisUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) throw std::invalid_argument("a Redis URL starts with redis://");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  RedisAddress address;
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userInfo = rest.substr(0, at);
    const auto colon = userInfo.find(':');
    address.password = std::string(colon == std::string_view::npos ? userInfo : userInfo.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), address.db);
      if (ec != std::errc{} || end != db.data() + db.size() || address.db < 0) {
        throw std::invalid_argument("bad database index in Redis URL");
      }
    }
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    address.port = parsePort(rest.substr(colon + 1), redactSecrets(url));
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw std::invalid_argument("no host in Redis URL");
  address.host = std::string(rest);
  return address;
}

HealthRegistry::Probe postgresProbe(std::string url) {
  return [url = std::move(url)]() -> CheckResult {
    if (url.empty()) return {CheckStatus::disabled, std::nullopt, {{"reason", "DATABASE_URL is not set"}}};
    const char* keywords[] = {"dbname", "connect_timeout", nullptr};
    const char* values[] = {url.c_str(), "2", nullptr};
    switch (PQpingParams(keywords, values, 1)) {
      case PQPING_OK:
        return {CheckStatus::up, std::nullopt, nlohmann::json::object()};
      case PQPING_REJECT:
        return {CheckStatus::down, "the server is not accepting connections", nlohmann::json::object()};
      case PQPING_NO_RESPONSE:
        return {CheckStatus::down, "no response from the server", nlohmann::json::object()};
      default:
        return {CheckStatus::down, "the connection settings are invalid", nlohmann::json::object()};
    }
  };
}

HealthRegistry::Probe redisProbe(std::string url, std::string password) {
  return [url = std::move(url), password = std::move(password)]() -> CheckResult {
    if (url.empty()) return {CheckStatus::disabled, std::nullopt, {{"mode", "in-process"}}};
    const RedisAddress address = parseRedisUrl(url);
    const timeval timeout{2, 0};
    std::unique_ptr<redisContext, void (*)(redisContext*)> ctx(
        redisConnectWithTimeout(address.host.c_str(), address.port, timeout), redisFree);
    if (!ctx || ctx->err != 0) {
      return {CheckStatus::down, ctx ? std::string(ctx->errstr) : "out of memory", {{"mode", "redis"}}};
    }
    redisSetTimeout(ctx.get(), timeout);
    const std::string& secret = address.password.empty() ? password : address.password;
    auto command = [&](const char* format, const char* arg) {
      auto* raw =
          static_cast<redisReply*>(arg ? redisCommand(ctx.get(), format, arg) : redisCommand(ctx.get(), format));
      return std::unique_ptr<redisReply, void (*)(void*)>(raw, freeReplyObject);
    };
    if (!secret.empty()) {
      auto reply = command("AUTH %s", secret.c_str());
      if (!reply || reply->type == REDIS_REPLY_ERROR)
        return {CheckStatus::down, "authentication failed", {{"mode", "redis"}}};
    }
    auto reply = command("PING", nullptr);
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      return {CheckStatus::down, reply ? std::string(reply->str) : std::string(ctx->errstr), {{"mode", "redis"}}};
    }
    return {CheckStatus::up, std::nullopt, {{"mode", "redis"}}};
  };
}

}  // namespace monti::obs
