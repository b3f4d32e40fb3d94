#pragma once

#include "config/CoreConfig.hpp"
#include "plugin/Catalog.hpp"
#include "realtime/EventLoop.hpp"
#include "realtime/RealtimeMetrics.hpp"
#include "realtime/RoomBroker.hpp"
#include "realtime/RoomCatalog.hpp"

#include <monti/obs/Logger.hpp>
#include <monti/realtime/RoomRegistry.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace monti::realtime {

/// The realtime hub of one node (DESIGN.md "Events, realtime and hooks"): event loops that hold the
/// WebSocket and SSE connections, a broker that gives room events their offsets and carries them between
/// nodes, and a control thread for everything that may block (the broker, authentication, durable events).
class Hub final : public Publisher {
 public:
  struct Services {
    const config::RealtimeConfig& config;
    const plugin::Catalog& catalog;
    RoomBroker& broker;
    obs::MetricsRegistry& metrics;
    obs::Logger& logger;
    /// Verifies an access token sent in an `auth` message; throws http::Unauthorized when it is bad.
    std::function<auth::Principal(const std::string& token)> authenticate;
    /// True when an access token id was revoked (checked in memory, every sweep).
    std::function<bool(const std::string& tokenId)> isRevoked;
    /// Writes a durable event through the outbox (empty without a database).
    std::function<void(std::string_view name, const nlohmann::json& payload, std::string_view tenant)> emitDurable;
  };

  explicit Hub(Services services);
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  /// Builds the room catalog (after plugin registration) and starts the threads.
  void start();
  /// Closes every connection with 1001 and stops the threads.
  void stop() noexcept;

  /// True when the node holds realtime.max_connections already.
  bool full() const noexcept;
  /// Takes over a socket whose handshake is done. `initialBytes`: what the client sent after its request.
  void adopt(Transport transport, int fd, std::string initialBytes, auth::Principal user, ClientInfo info,
             std::vector<SubscribeRequest> rooms = {});

  Published publish(std::string_view tenant, std::string_view room, std::string_view event,
                    const nlohmann::json& data) override;
  Published position(std::string_view tenant, std::string_view room) override;
  /// One room event to publish.
  struct RoomEventInput {
    std::string room;
    std::string event;
    nlohmann::json data;
  };
  /// Publishes several events of one tenant together (one broker call). Throws std::invalid_argument when
  /// any is not acceptable (then none is published).
  std::vector<Published> publishMany(std::string_view tenant, const std::vector<RoomEventInput>& events);
  /// Publishes the room events plugins route committed events to (on the active outbox relay), in
  /// commit order, a few hundred per broker call.
  void route(const std::vector<events::Event>& batch);
  /// Who is in `room` of `tenant`: {id, username} objects.
  std::vector<nlohmann::json> presence(std::string_view tenant, std::string_view room);

  const RoomCatalog& rooms() const { return *catalog_; }
  const config::RealtimeConfig& config() const noexcept { return services_.config; }

  // For the loops.
  /// Runs `task` on the control thread, in submission order.
  void control(std::function<void()> task);
  RoomBroker& broker() noexcept { return services_.broker; }
  const Services& services() const noexcept { return services_; }
  /// Control thread: listens to the room, counts the user present (announcing a join) and reads the
  /// history. Throws std::exception when the broker fails (then nothing is held).
  RoomHistory joinRoom(std::uint64_t connectionId, const std::string& key, const std::string& room,
                       const auth::Principal& user);
  /// Control thread: releases what joinRoom took (a no-op when it failed or never ran).
  void leaveRoom(std::uint64_t connectionId, const std::string& key);
  /// Control thread: counts the user's connections cluster-wide (emitting realtime.user_online/offline)
  /// and tells the plugins' connection observers.
  void connectionChanged(const Connection& connection, ConnectionEvent::Kind kind);
  void connectionClosed(Transport transport) noexcept;

 private:
  void runControl();
  /// Validates a room event and serialises it; std::invalid_argument when it is not acceptable.
  RoomBroker::PublishRequest checked(std::string_view tenant, std::string_view room, std::string_view event,
                                     const nlohmann::json& data) const;
  void trackUser(const auth::Principal& user, int delta);
  void notifyObservers(const ConnectionEvent& event);
  void onBrokerMessage(const std::string& key, const BrokerMessage& message);

  Services services_;
  RealtimeMetrics metrics_;
  std::unique_ptr<RoomCatalog> catalog_;
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::atomic<std::uint64_t> nextConnectionId_{1};
  std::atomic<std::uint64_t> nextLoop_{0};
  std::atomic<int> connections_{0};
  std::string nodeTag_ = newEpoch();  // makes connection ids unique across restarts
  bool started_ = false;

  std::mutex controlMutex_;
  std::condition_variable controlWake_;
  std::deque<std::function<void()>> controlQueue_;
  bool controlStopping_ = false;
  struct Joined {
    std::string room;
    std::string userId;
    std::string info;
  };
  std::map<std::pair<std::uint64_t, std::string>, Joined> joined_;  // control thread only
  std::thread controlThread_;
};

/// The JSON a presence entry carries for `user`: {"id","username"}.
std::string userInfo(const auth::Principal& user);

}  // namespace monti::realtime
