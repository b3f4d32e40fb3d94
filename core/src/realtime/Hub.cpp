#include "realtime/Hub.hpp"

#include "realtime/Frames.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace monti::realtime {
namespace {

constexpr auto kNodeHeartbeat = std::chrono::seconds(5);
constexpr std::size_t kMaxEventNameBytes = 100;
constexpr int kSocketSendBuffer = 64 * 1024;  // the kernel doubles it

bool acceptableEventName(std::string_view name) {
  if (name.empty() || name.size() > kMaxEventNameBytes) return false;
  return std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

bool isUser(const auth::Principal& user) { return !user.id.empty() && !user.id.starts_with("apikey:"); }

}  // namespace

std::string userInfo(const auth::Principal& user) {
  return nlohmann::json{{"id", user.id}, {"username", user.username}}.dump(-1, ' ', false,
                                                                           nlohmann::json::error_handler_t::replace);
}

Hub::Hub(Services services) : services_(std::move(services)), metrics_(services_.metrics) {
  services_.broker.setListener(
      [this](const std::string& key, const BrokerMessage& message) { onBrokerMessage(key, message); });
}

Hub::~Hub() { stop(); }

void Hub::start() {
  catalog_ = std::make_unique<RoomCatalog>(services_.catalog);
  try {
    services_.broker.heartbeat();
  } catch (const std::exception& e) {
    services_.logger.warn("realtime: broker unreachable at start", {{"error", e.what()}});
  }
  controlThread_ = std::thread([this] { runControl(); });
  for (int i = 0; i < services_.config.eventLoops; ++i) {
    loops_.push_back(std::make_unique<EventLoop>(*this, services_.config, metrics_, services_.logger));
    loops_.back()->start();
  }
  started_ = true;
}

void Hub::stop() noexcept {
  if (!started_) return;
  started_ = false;
  for (auto& loop : loops_)
    loop->stop();
  {
    std::lock_guard lock(controlMutex_);
    controlStopping_ = true;
  }
  controlWake_.notify_all();
  if (controlThread_.joinable()) controlThread_.join();
}

bool Hub::full() const noexcept { return connections_.load() >= services_.config.maxConnections; }

void Hub::adopt(Transport transport, int fd, std::string initialBytes, auth::Principal user, ClientInfo info,
                std::vector<SubscribeRequest> rooms) {
  if (loops_.empty()) {
    ::close(fd);
    return;
  }
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Linux would let a socket that nobody reads buffer megabytes in the kernel before our own queue (and
  // its limit) even starts to fill: cap the kernel's share so slow consumers are found, and memory stays
  // bounded, at any connection count.
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketSendBuffer, sizeof kSocketSendBuffer);
  connections_.fetch_add(1);
  auto connection = std::make_unique<Connection>(transport, nextConnectionId_.fetch_add(1), fd, std::move(user),
                                                 std::move(info), services_.config.maxMessageBytes);
  EventLoop& loop = *loops_[nextLoop_.fetch_add(1) % loops_.size()];
  // std::function needs a copyable callable: the connection travels in a shared_ptr until adopted.
  auto shared = std::make_shared<std::unique_ptr<Connection>>(std::move(connection));
  loop.post([&loop, shared, bytes = std::move(initialBytes), rooms = std::move(rooms)] {
    loop.adopt(std::move(*shared), bytes, rooms);
  });
}

void Hub::connectionClosed(Transport /*transport*/) noexcept { connections_.fetch_sub(1); }

Published Hub::publish(std::string_view tenant, std::string_view room, std::string_view event,
                       const nlohmann::json& data) {
  auto request = checked(tenant, room, event, data);
  auto published = services_.broker.publish(request.key, request.event, request.data);
  metrics_.published.inc();
  return published;
}

std::vector<Published> Hub::publishMany(std::string_view tenant, const std::vector<RoomEventInput>& events) {
  std::vector<RoomBroker::PublishRequest> requests;
  requests.reserve(events.size());
  for (const auto& e : events)
    requests.push_back(checked(tenant, e.room, e.event, e.data));
  auto placed = services_.broker.publishMany(requests);
  metrics_.published.inc(placed.size());
  return placed;
}

Published Hub::position(std::string_view tenant, std::string_view room) {
  if (!catalog_ || !catalog_->find(room)) throw std::invalid_argument("no plugin declared a room like this");
  const auto history = services_.broker.history(roomKey(tenant, room));
  return {history.offset, history.epoch};
}

void Hub::route(const std::vector<events::Event>& batch) {
  constexpr std::size_t kPerCall = 500;
  std::vector<RoomBroker::PublishRequest> requests;
  const auto send = [&] {
    if (requests.empty()) return;
    services_.broker.publishMany(requests);
    metrics_.published.inc(requests.size());
    requests.clear();
  };
  for (const auto& event : batch) {
    for (const auto& decl : services_.catalog.roomRoutes) {
      if (!events::matches(decl.eventPattern, event.name)) continue;
      try {
        for (auto& roomEvent : decl.route(event))
          requests.push_back(checked(event.tenant, roomEvent.room, roomEvent.event, roomEvent.data));
      } catch (const std::exception& e) {
        services_.logger.error(
            "realtime: routing an event into rooms failed",
            {{"plugin", decl.owner}, {"event", event.name}, {"eventId", event.id}, {"error", e.what()}});
      }
    }
    if (requests.size() >= kPerCall) send();
  }
  send();
}

RoomBroker::PublishRequest Hub::checked(std::string_view tenant, std::string_view room, std::string_view event,
                                        const nlohmann::json& data) const {
  if (!catalog_ || !catalog_->find(room)) throw std::invalid_argument("no plugin declared a room like this");
  if (!acceptableEventName(event)) throw std::invalid_argument("event must be 1 to 100 printable characters");
  std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > services_.config.maxEventBytes) {
    throw std::invalid_argument("data is larger than realtime.max_event_bytes (" +
                                std::to_string(services_.config.maxEventBytes) + ")");
  }
  return {roomKey(tenant, room), std::string(event), std::move(text)};
}

std::vector<nlohmann::json> Hub::presence(std::string_view tenant, std::string_view room) {
  std::vector<nlohmann::json> users;
  for (const auto& info : services_.broker.members("presence:" + roomKey(tenant, room))) {
    auto user = nlohmann::json::parse(info, nullptr, false);
    if (user.is_object()) users.push_back(std::move(user));
  }
  return users;
}

void Hub::control(std::function<void()> task) {
  {
    std::lock_guard lock(controlMutex_);
    controlQueue_.push_back(std::move(task));
  }
  controlWake_.notify_one();
}

void Hub::runControl() {
  auto nextHeartbeat = Clock::now() + kNodeHeartbeat;
  std::unique_lock lock(controlMutex_);
  while (true) {
    controlWake_.wait_until(lock, nextHeartbeat, [this] { return controlStopping_ || !controlQueue_.empty(); });
    if (controlQueue_.empty() && controlStopping_) return;
    if (!controlQueue_.empty()) {
      auto task = std::move(controlQueue_.front());
      controlQueue_.pop_front();
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        services_.logger.error("realtime: control task failed", {{"error", e.what()}});
      }
      lock.lock();
    }
    if (Clock::now() >= nextHeartbeat) {
      nextHeartbeat = Clock::now() + kNodeHeartbeat;
      lock.unlock();
      try {
        services_.broker.heartbeat();
      } catch (const std::exception& e) {
        services_.logger.warn("realtime: broker heartbeat failed", {{"error", e.what()}});
      }
      lock.lock();
    }
  }
}

RoomHistory Hub::joinRoom(std::uint64_t connectionId, const std::string& key, const std::string& room,
                          const auth::Principal& user) {
  auto& broker = services_.broker;
  broker.listen(key);
  try {
    RoomHistory history = broker.history(key);
    const std::string info = userInfo(user);
    if (broker.track("presence:" + key, user.id, info, +1)) {
      broker.signal(key, frames::presenceChange("join", room, info));
    }
    joined_[{connectionId, key}] = Joined{room, user.id, info};
    return history;
  } catch (...) {
    broker.unlisten(key);
    throw;
  }
}

void Hub::leaveRoom(std::uint64_t connectionId, const std::string& key) {
  auto it = joined_.find({connectionId, key});
  if (it == joined_.end()) return;
  const Joined joined = std::move(it->second);
  joined_.erase(it);
  auto& broker = services_.broker;
  broker.unlisten(key);
  try {
    if (broker.track("presence:" + key, joined.userId, joined.info, -1)) {
      broker.signal(key, frames::presenceChange("leave", joined.room, joined.info));
    }
  } catch (const std::exception& e) {
    services_.logger.warn("realtime: presence update failed", {{"error", e.what()}});
  }
}

void Hub::connectionChanged(const Connection& connection, ConnectionEvent::Kind kind) {
  ConnectionEvent event{nodeTag_ + "-" + std::to_string(connection.id()),
                        connection.user(),
                        connection.transport() == Transport::websocket ? "websocket" : "sse",
                        connection.info().remoteAddress,
                        connection.info().userAgent,
                        kind};
  control([this, event = std::move(event)] {
    if (event.kind != ConnectionEvent::Kind::active) {
      trackUser(event.user, event.kind == ConnectionEvent::Kind::opened ? +1 : -1);
    }
    notifyObservers(event);
  });
}

void Hub::notifyObservers(const ConnectionEvent& event) {
  for (const auto& decl : services_.catalog.connectionObservers) {
    try {
      decl.observer(event);
    } catch (const std::exception& e) {
      services_.logger.error("realtime: connection observer failed", {{"plugin", decl.owner}, {"error", e.what()}});
    }
  }
}

void Hub::trackUser(const auth::Principal& user, int delta) {
  if (!isUser(user)) return;
  try {
    if (!services_.broker.track("online:" + user.tenant, user.id, userInfo(user), delta)) return;
    if (services_.emitDurable) {
      services_.emitDurable(delta > 0 ? "realtime.user_online" : "realtime.user_offline",
                            {{"userId", user.id}, {"username", user.username}, {"tenant", user.tenant}}, user.tenant);
    }
  } catch (const std::exception& e) {
    services_.logger.warn("realtime: online tracking failed", {{"user", user.id}, {"error", e.what()}});
  }
}

void Hub::onBrokerMessage(const std::string& key, const BrokerMessage& message) {
  if (loops_.size() == 1) {
    loops_.front()->post([loop = loops_.front().get(), key, message] { loop->deliver(key, message); });
    return;
  }
  auto shared = std::make_shared<const BrokerMessage>(message);
  for (auto& loop : loops_)
    loop->post([loop = loop.get(), key, shared] { loop->deliver(key, *shared); });
}

}  // namespace monti::realtime
