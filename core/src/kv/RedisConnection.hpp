#pragma once
/// One blocking hiredis connection: how to open it (URL, AUTH, SELECT, timeouts) and how to talk over it.

#include <hiredis/hiredis.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace monti::kv {

/// Where and how to reach Redis. Built once from REDIS_URL and REDIS_PASSWORD.
struct RedisSettings {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;
  /// Bounds connecting and every command; a command past it breaks the connection.
  std::chrono::milliseconds timeout{2000};
  /// CLIENT SETNAME, so `CLIENT LIST` shows who is connected (letters, digits, '-', ':', '_' only).
  std::string clientName = "monti";

  /// Parses redis://[:password@]host[:port][/db]; `password` applies when the URL has none.
  /// Throws std::invalid_argument on a malformed URL.
  static RedisSettings fromUrl(const std::string& url, const std::string& password);
};

struct RedisContextDeleter {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};
struct RedisReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using RedisContextPtr = std::unique_ptr<redisContext, RedisContextDeleter>;
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

/// Connects, sets the timeouts, then AUTH, SELECT and CLIENT SETNAME (`nameSuffix` appended to the name).
/// Throws kv::Unavailable with the reason when any step fails.
RedisContextPtr connectRedis(const RedisSettings& settings, std::string_view nameSuffix = {});

/// Sends one command and waits for its reply. nullptr when the connection broke (then `c->err` is set and
/// the context must be dropped); an error reply is returned as such.
RedisReplyPtr runCommand(redisContext& c, const std::vector<std::string_view>& args);

/// Queues one command and flushes it without waiting for a reply (the subscriber reads replies itself).
/// False when the connection broke.
bool sendCommand(redisContext& c, const std::vector<std::string_view>& args);

/// True when an idle connection shows pending input or a hang-up: Redis closed it (CLIENT KILL, restart).
bool looksClosed(const redisContext& c) noexcept;

/// The text of a status, string or error reply; "" for other types.
std::string replyText(const redisReply& r);

}  // namespace monti::kv
