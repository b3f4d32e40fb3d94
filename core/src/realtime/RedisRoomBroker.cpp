#include "realtime/RedisRoomBroker.hpp"

#include <charconv>
#include <stdexcept>

namespace monti::realtime {
namespace {

constexpr std::string_view kChannelPrefix = "rt:";
constexpr std::chrono::hours kMetaTtl{24};
constexpr std::chrono::seconds kNodeTtl{15};

// KEYS: meta, history. ARGV: event, data, fresh epoch, history size, history ttl ms, meta ttl ms, channel.
// Returns {offset, epoch}.
constexpr const char* kPublishScript = R"lua(
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[3]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
local entry = offset .. ' ' .. ARGV[1] .. '\n' .. ARGV[2]
local size = tonumber(ARGV[4])
if size > 0 then
  redis.call('RPUSH', KEYS[2], entry)
  redis.call('LTRIM', KEYS[2], -size, -1)
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
redis.call('PUBLISH', ARGV[7], 'E ' .. epoch .. ' ' .. entry)
return {offset, epoch}
)lua";

// The same for N events: KEYS meta1, history1, meta2, history2, …; ARGV: fresh epoch, history size, history
// ttl ms, meta ttl ms, channel prefix, then (room key, event, data) per event. Returns {offset, epoch} pairs.
constexpr const char* kPublishManyScript = R"lua(
local size = tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local meta, history = KEYS[2 * i - 1], KEYS[2 * i]
  local room, event, data = ARGV[3 * i + 3], ARGV[3 * i + 4], ARGV[3 * i + 5]
  local offset = redis.call('HINCRBY', meta, 'offset', 1)
  local epoch = redis.call('HGET', meta, 'epoch')
  if not epoch then
    epoch = ARGV[1]
    redis.call('HSET', meta, 'epoch', epoch)
  end
  redis.call('PEXPIRE', meta, ARGV[4])
  local entry = offset .. ' ' .. event .. '\n' .. data
  if size > 0 then
    redis.call('RPUSH', history, entry)
    redis.call('LTRIM', history, -size, -1)
    redis.call('PEXPIRE', history, ARGV[3])
  end
  redis.call('PUBLISH', ARGV[5] .. room, 'E ' .. epoch .. ' ' .. entry)
  out[2 * i - 1] = offset
  out[2 * i] = epoch
end
return out
)lua";

// KEYS: meta, history. ARGV: fresh epoch, meta ttl ms. Returns {epoch, offset, entries}.
constexpr const char* kHistoryScript = R"lua(
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local offset = redis.call('HGET', KEYS[1], 'offset') or '0'
return {epoch, offset, redis.call('LRANGE', KEYS[2], 0, -1)}
)lua";

// KEYS: set counts, set infos. ARGV: node, member, info, delta, node key prefix, ttl ms.
// Counts are per node ("node|member" fields); returns 1 when the member became present or absent across
// every live node.
constexpr const char* kTrackScript = R"lua(
local field = ARGV[1] .. '|' .. ARGV[2]
local delta = tonumber(ARGV[4])
local n = redis.call('HINCRBY', KEYS[1], field, delta)
if n <= 0 then redis.call('HDEL', KEYS[1], field) end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
local others = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local sep = string.find(all[i], '|', 1, true)
  local node = string.sub(all[i], 1, sep - 1)
  if node ~= ARGV[1] and string.sub(all[i], sep + 1) == ARGV[2] and
     redis.call('EXISTS', ARGV[5] .. node) == 1 then
    others = others + 1
  end
end
if delta > 0 then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
  if n == delta and others == 0 then return 1 end
elseif n <= 0 and others == 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  return 1
end
return 0
)lua";

// KEYS: set counts, set infos. ARGV: node key prefix. Returns the infos of members on live nodes.
constexpr const char* kMembersScript = R"lua(
local seen = {}
local out = {}
local alive = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local sep = string.find(all[i], '|', 1, true)
  local node = string.sub(all[i], 1, sep - 1)
  local member = string.sub(all[i], sep + 1)
  if alive[node] == nil then alive[node] = redis.call('EXISTS', ARGV[1] .. node) == 1 end
  if alive[node] and not seen[member] then
    seen[member] = true
    local info = redis.call('HGET', KEYS[2], member)
    if info then table.insert(out, info) end
  end
end
return out
)lua";

std::int64_t toInt(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) throw std::runtime_error("redis: bad number in room data");
  return value;
}

std::int64_t replyInt(const redisReply& r) {
  if (r.type == REDIS_REPLY_INTEGER) return r.integer;
  if (r.type == REDIS_REPLY_STRING) return toInt(std::string_view(r.str, r.len));
  throw std::runtime_error("redis: unexpected reply type");
}

std::string replyString(const redisReply& r) {
  if (r.type != REDIS_REPLY_STRING && r.type != REDIS_REPLY_STATUS)
    throw std::runtime_error("redis: expected a string");
  return {r.str, r.len};
}

// "<offset> <event>\n<data>"
RoomMessage parseEntry(std::string_view entry) {
  const auto space = entry.find(' ');
  const auto newline = entry.find('\n');
  if (space == std::string_view::npos || newline == std::string_view::npos || newline < space) {
    throw std::runtime_error("redis: malformed room entry");
  }
  return {toInt(entry.substr(0, space)), std::string(entry.substr(space + 1, newline - space - 1)),
          std::string(entry.substr(newline + 1))};
}

kv::RedisReplyPtr checked(kv::RedisReplyPtr reply) {
  if (reply->type == REDIS_REPLY_ERROR) throw std::runtime_error("redis: " + kv::replyText(*reply));
  return reply;
}

}  // namespace

RedisRoomBroker::RedisRoomBroker(std::shared_ptr<kv::RedisConnectionPool> pool, kv::PubSub& pubsub, Settings settings)
    : pool_(std::move(pool)), pubsub_(pubsub), settings_(std::move(settings)) {}

RedisRoomBroker::~RedisRoomBroker() {
  std::lock_guard lock(mutex_);
  listening_.clear();  // ends the subscriptions while the listener still exists
}

std::string RedisRoomBroker::key(std::string_view kind, std::string_view name) const {
  std::string k = settings_.keyPrefix;
  k.append("rt:").append(kind).append(":").append(name);
  return k;
}

Published RedisRoomBroker::publish(const std::string& roomKey, const std::string& event, const std::string& data) {
  const auto historyTtl = std::to_string(settings_.historyTtl.count());
  const auto metaTtl =
      std::to_string(std::max<std::int64_t>(settings_.historyTtl.count(), std::chrono::milliseconds(kMetaTtl).count()));
  const auto size = std::to_string(settings_.historySize);
  const auto epoch = newEpoch();
  const auto channel = settings_.keyPrefix + std::string(kChannelPrefix) + roomKey;
  const auto reply = checked(pool_->command({"EVAL", kPublishScript, "2", key("meta", roomKey), key("history", roomKey),
                                             event, data, epoch, size, historyTtl, metaTtl, channel}));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) throw std::runtime_error("redis: bad publish reply");
  return {replyInt(*reply->element[0]), replyString(*reply->element[1])};
}

std::vector<Published> RedisRoomBroker::publishMany(const std::vector<PublishRequest>& requests) {
  std::vector<Published> out;
  if (requests.empty()) return out;
  const auto historyTtl = std::to_string(settings_.historyTtl.count());
  const auto metaTtl =
      std::to_string(std::max<std::int64_t>(settings_.historyTtl.count(), std::chrono::milliseconds(kMetaTtl).count()));
  const auto size = std::to_string(settings_.historySize);
  const auto epoch = newEpoch();
  const auto channelPrefix = settings_.keyPrefix + std::string(kChannelPrefix);
  const auto keyCount = std::to_string(requests.size() * 2);
  std::vector<std::string> keys;  // owns the key strings the argument views point into
  keys.reserve(requests.size() * 2);
  for (const auto& r : requests) {
    keys.push_back(key("meta", r.key));
    keys.push_back(key("history", r.key));
  }
  std::vector<std::string_view> args{"EVAL", kPublishManyScript, keyCount};
  args.insert(args.end(), keys.begin(), keys.end());
  for (const auto* fixed : {&epoch, &size, &historyTtl, &metaTtl, &channelPrefix})
    args.emplace_back(*fixed);
  for (const auto& r : requests) {
    args.emplace_back(r.key);
    args.emplace_back(r.event);
    args.emplace_back(r.data);
  }
  const auto reply = checked(pool_->command(args));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != requests.size() * 2) {
    throw std::runtime_error("redis: bad publish reply");
  }
  out.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i)
    out.push_back({replyInt(*reply->element[2 * i]), replyString(*reply->element[2 * i + 1])});
  return out;
}

void RedisRoomBroker::signal(const std::string& roomKey, const std::string& frame) {
  pubsub_.publish(std::string(kChannelPrefix) + roomKey, "S\n" + frame);
}

void RedisRoomBroker::onMessage(const std::string& channel, const std::string& message) const {
  if (!listener_ || channel.size() <= kChannelPrefix.size()) return;
  const std::string roomKey = channel.substr(kChannelPrefix.size());
  std::string_view text(message);
  if (text.starts_with("S\n")) {
    listener_(roomKey, BrokerMessage{BrokerMessage::Kind::signal, {}, {}, std::string(text.substr(2))});
    return;
  }
  if (!text.starts_with("E ")) return;
  text.remove_prefix(2);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return;
  try {
    listener_(
        roomKey,
        BrokerMessage{
            BrokerMessage::Kind::event, std::string(text.substr(0, space)), parseEntry(text.substr(space + 1)), {}});
  } catch (const std::runtime_error&) {
    // A malformed message on our channel (another program writing to it): nothing to deliver.
  }
}

void RedisRoomBroker::listen(const std::string& roomKey) {
  std::lock_guard lock(mutex_);
  auto& entry = listening_[roomKey];
  if (entry.count++ > 0) return;
  entry.subscription = pubsub_.subscribe(
      std::string(kChannelPrefix) + roomKey,
      [this](const std::string& channel, const std::string& message) { onMessage(channel, message); });
}

void RedisRoomBroker::unlisten(const std::string& roomKey) {
  std::unique_ptr<kv::PubSub::Subscription> ended;
  {
    std::lock_guard lock(mutex_);
    auto it = listening_.find(roomKey);
    if (it == listening_.end() || --it->second.count > 0) return;
    ended = std::move(it->second.subscription);
    listening_.erase(it);
  }
}

RoomHistory RedisRoomBroker::history(const std::string& roomKey) {
  const auto metaTtl =
      std::to_string(std::max<std::int64_t>(settings_.historyTtl.count(), std::chrono::milliseconds(kMetaTtl).count()));
  const auto reply = checked(pool_->command(
      {"EVAL", kHistoryScript, "2", key("meta", roomKey), key("history", roomKey), newEpoch(), metaTtl}));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 || reply->element[2]->type != REDIS_REPLY_ARRAY) {
    throw std::runtime_error("redis: bad history reply");
  }
  RoomHistory out{replyString(*reply->element[0]), replyInt(*reply->element[1]), {}};
  const redisReply& entries = *reply->element[2];
  out.events.reserve(entries.elements);
  for (std::size_t i = 0; i < entries.elements; ++i)
    out.events.push_back(parseEntry(replyString(*entries.element[i])));
  return out;
}

bool RedisRoomBroker::track(const std::string& set, const std::string& member, const std::string& info, int delta) {
  const auto ttl = std::to_string(std::chrono::milliseconds(kMetaTtl).count());
  const auto reply =
      checked(pool_->command({"EVAL", kTrackScript, "2", key("set", set), key("info", set), settings_.nodeId, member,
                              info, std::to_string(delta), key("node", ""), ttl}));
  return replyInt(*reply) == 1;
}

std::vector<std::string> RedisRoomBroker::members(const std::string& set) {
  const auto reply =
      checked(pool_->command({"EVAL", kMembersScript, "2", key("set", set), key("info", set), key("node", "")}));
  std::vector<std::string> out;
  if (reply->type != REDIS_REPLY_ARRAY) return out;
  for (std::size_t i = 0; i < reply->elements; ++i)
    out.push_back(replyString(*reply->element[i]));
  return out;
}

void RedisRoomBroker::heartbeat() {
  const auto ttl = std::to_string(std::chrono::milliseconds(kNodeTtl).count());
  checked(pool_->command({"SET", key("node", settings_.nodeId), "1", "PX", ttl}));
}

}  // namespace monti::realtime
