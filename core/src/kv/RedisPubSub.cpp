#include "kv/RedisPubSub.hpp"

#include <optional>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

namespace monti::kv {

RedisPubSub::RedisPubSub(std::shared_ptr<RedisConnectionPool> pool, std::string prefix, obs::Logger& logger)
    : pool_(std::move(pool)), prefix_(std::move(prefix)), logger_(logger), registry_(SubscriberRegistry::create()) {
  registry_->setChangeListener([this] { wakeup_.signal(); });
  thread_ = std::thread([this] { run(); });
}

RedisPubSub::~RedisPubSub() {
  registry_->setChangeListener({});  // Subscriptions may outlive us
  stopping_ = true;
  wakeup_.signal();
  thread_.join();
}

bool RedisPubSub::publish(std::string_view channel, std::string_view message) {
  try {
    const std::string name = prefix_ + std::string(channel);
    const RedisReplyPtr reply = pool_->command({"PUBLISH", name, message});
    return reply->type == REDIS_REPLY_INTEGER;
  } catch (const Unavailable&) {
    return false;  // the pool has logged the outage
  }
}

std::unique_ptr<PubSub::Subscription> RedisPubSub::subscribe(std::string_view channel, Handler handler) {
  const std::string name(channel);
  auto subscription = registry_->add(name, std::move(handler));
  // From a handler, the subscriber thread itself would wait for its own confirmation.
  if (std::this_thread::get_id() != thread_.get_id()) {
    std::unique_lock lock(stateMutex_);
    stateChanged_.wait_for(lock, pool_->settings().timeout,
                           [&] { return confirmed_.contains(name) || state_ == State::down || stopping_; });
  }
  return subscription;
}

void RedisPubSub::run() {
  Backoff backoff;
  bool reportedDown = false;
  while (!stopping_) {
    setState(State::connecting);
    RedisContextPtr c;
    try {
      c = connectRedis(pool_->settings(), "-sub");
    } catch (const Unavailable& e) {
      setState(State::down);
      if (!std::exchange(reportedDown, true)) logger_.warn("redis subscriber disconnected", {{"error", e.what()}});
      sleepFor(backoff.next());
      continue;
    }
    if (std::exchange(reportedDown, false)) logger_.info("redis subscriber reconnected");
    backoff.reset();
    setState(State::up);
    serve(*c);
    if (stopping_) break;
    setState(State::down);
    if (!std::exchange(reportedDown, true)) {
      logger_.warn("redis subscriber disconnected", {{"error", std::string(c->errstr)}});
    }
    sleepFor(backoff.next());
  }
  setState(State::down);
}

// Serves one connection until it breaks or we stop.
void RedisPubSub::serve(redisContext& c) {
  std::set<std::string> sent;           // channels SUBSCRIBEd on this connection
  std::optional<std::uint64_t> synced;  // the registry generation `sent` matches
  while (!stopping_) {
    // Read the generation before the channels: a change in between only causes one more (harmless) sync.
    if (const auto generation = registry_->generation(); generation != synced) {
      if (!syncChannels(c, sent)) return;
      synced = generation;
    }
    pollfd fds[2] = {{c.fd, POLLIN, 0}, {wakeup_.fd(), POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) wakeup_.drain();
    if (fds[0].revents == 0) continue;
    if (redisBufferRead(&c) != REDIS_OK) return;
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(&c, &raw) != REDIS_OK) return;
      if (raw == nullptr) break;
      const RedisReplyPtr reply(static_cast<redisReply*>(raw));
      handleReply(*reply);
    }
  }
}

// Sends SUBSCRIBE for channels that gained a handler and UNSUBSCRIBE for those that lost their last one.
bool RedisPubSub::syncChannels(redisContext& c, std::set<std::string>& sent) {
  const std::vector<std::string> wanted = registry_->channels();
  std::vector<std::string> names;
  std::vector<std::string_view> subscribe{"SUBSCRIBE"};
  std::vector<std::string_view> unsubscribe{"UNSUBSCRIBE"};
  for (const std::string& channel : wanted) {
    if (!sent.contains(channel)) names.push_back(prefix_ + channel);
  }
  const auto added = names.size();
  for (const std::string& channel : sent) {
    if (!std::binary_search(wanted.begin(), wanted.end(), channel)) names.push_back(prefix_ + channel);
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    (i < added ? subscribe : unsubscribe).emplace_back(names[i]);
  if (subscribe.size() > 1 && !sendCommand(c, subscribe)) return false;
  if (unsubscribe.size() > 1) {
    if (!sendCommand(c, unsubscribe)) return false;
    const std::lock_guard lock(stateMutex_);
    for (std::size_t i = 1; i < unsubscribe.size(); ++i) {
      confirmed_.erase(std::string(unsubscribe[i].substr(prefix_.size())));
    }
  }
  sent.clear();
  sent.insert(wanted.begin(), wanted.end());
  return true;
}

void RedisPubSub::handleReply(const redisReply& reply) {
  // Pushes on a subscribed connection: [message, channel, payload] or [subscribe|unsubscribe, channel, count].
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) return;
  const std::string kind = replyText(*reply.element[0]);
  const std::string name = replyText(*reply.element[1]);
  if (name.compare(0, prefix_.size(), prefix_) != 0) return;
  const std::string channel = name.substr(prefix_.size());
  if (kind == "message") {
    registry_->dispatch(channel, replyText(*reply.element[2]), [&](const std::string& error) {
      logger_.error("pub/sub handler threw", {{"channel", channel}, {"error", error}});
    });
  } else if (kind == "subscribe") {
    {
      const std::lock_guard lock(stateMutex_);
      confirmed_.insert(channel);
    }
    stateChanged_.notify_all();
  }
}

void RedisPubSub::setState(State state) {
  {
    const std::lock_guard lock(stateMutex_);
    state_ = state;
    if (state != State::up) confirmed_.clear();
  }
  stateChanged_.notify_all();
}

void RedisPubSub::sleepFor(std::chrono::milliseconds delay) {
  // The wakeup also fires for subscription changes; only a stop may cut the backoff short.
  const auto deadline = std::chrono::steady_clock::now() + delay;
  while (!stopping_) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd fd{wakeup_.fd(), POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) > 0) wakeup_.drain();
  }
}

}  // namespace monti::kv
