#include "kv/RedisConnection.hpp"

#include "kv/KeyValue.hpp"
#include "obs/DependencyProbes.hpp"

#include <poll.h>

#include <stdexcept>

namespace monti::kv {
namespace {

timeval toTimeval(std::chrono::milliseconds ms) {
  const auto count = ms.count();
  return timeval{static_cast<time_t>(count / 1000), static_cast<suseconds_t>((count % 1000) * 1000)};
}

// Runs a set-up command and throws with `what` when it does not succeed.
void setUp(redisContext& c, const std::vector<std::string_view>& args, const std::string& what) {
  const RedisReplyPtr reply = runCommand(c, args);
  if (!reply) throw Unavailable("redis: " + what + ": " + c.errstr);
  if (reply->type == REDIS_REPLY_ERROR) throw Unavailable("redis: " + what + ": " + replyText(*reply));
}

}  // namespace

RedisSettings RedisSettings::fromUrl(const std::string& url, const std::string& password) {
  const obs::RedisAddress address = obs::parseRedisUrl(url);
  RedisSettings settings;
  settings.host = address.host;
  settings.port = address.port;
  settings.password = address.password.empty() ? password : address.password;
  settings.db = address.db;
  return settings;
}

RedisContextPtr connectRedis(const RedisSettings& settings, std::string_view nameSuffix) {
  const timeval timeout = toTimeval(settings.timeout);
  RedisContextPtr c(redisConnectWithTimeout(settings.host.c_str(), settings.port, timeout));
  if (!c) throw Unavailable("redis: out of memory allocating a connection");
  if (c->err != 0) {
    throw Unavailable("redis: cannot connect to " + settings.host + ":" + std::to_string(settings.port) + ": " +
                      c->errstr);
  }
  if (redisSetTimeout(c.get(), timeout) != REDIS_OK) throw Unavailable("redis: cannot set the socket timeout");
  redisEnableKeepAlive(c.get());  // notices a peer that vanished without closing (no traffic for a while)
  if (!settings.password.empty()) setUp(*c, {"AUTH", settings.password}, "AUTH failed");
  if (settings.db != 0) {
    const std::string db = std::to_string(settings.db);
    setUp(*c, {"SELECT", db}, "SELECT " + db + " failed");
  }
  if (!settings.clientName.empty()) {
    const std::string name = settings.clientName + std::string(nameSuffix);
    setUp(*c, {"CLIENT", "SETNAME", name}, "CLIENT SETNAME failed");
  }
  return c;
}

RedisReplyPtr runCommand(redisContext& c, const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string_view arg : args) {
    argv.push_back(arg.empty() ? "" : arg.data());  // hiredis copies len bytes; never hand it a null pointer
    lengths.push_back(arg.size());
  }
  void* raw = redisCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lengths.data());
  return RedisReplyPtr(static_cast<redisReply*>(raw));
}

bool sendCommand(redisContext& c, const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string_view arg : args) {
    argv.push_back(arg.empty() ? "" : arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
    return false;
  }
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(&c, &done) != REDIS_OK) return false;
  }
  return true;
}

bool looksClosed(const redisContext& c) noexcept {
  pollfd p{c.fd, POLLIN, 0};
  // An idle connection has nothing to read; anything readable is the EOF (or an error) of a closed socket.
  return poll(&p, 1, 0) != 0;
}

std::string replyText(const redisReply& r) {
  if (r.type == REDIS_REPLY_STATUS || r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_ERROR) {
    return std::string(r.str, r.len);
  }
  return {};
}

}  // namespace monti::kv
