#pragma once

#include "kv/KeyValue.hpp"
#include "kv/RedisConnectionPool.hpp"
#include "realtime/RoomBroker.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

namespace monti::realtime {

/// Rooms across a cluster, in Redis: a publish is one script that takes the next offset, appends to the
/// room's capped history list and PUBLISHes on the room's channel, so offsets, history and delivery agree.
/// A node SUBSCRIBEs only to the rooms its clients use. Presence counts live in hashes whose fields name
/// the node; a node that stops refreshing its liveness key drops out of every count within 15 s.
///
/// Keys (under the Redis key prefix): rt:meta:<room> {offset, epoch}, rt:history:<room> (list),
/// rt:set:<set> / rt:info:<set> (presence), rt:node:<node> (liveness); channel rt:<room>.
/// The presence scripts touch the liveness keys of other nodes: fine on one Redis or with Sentinel, not
/// on Redis Cluster.
class RedisRoomBroker final : public RoomBroker {
 public:
  struct Settings {
    std::string keyPrefix;
    std::string nodeId;
    int historySize = 1000;
    std::chrono::milliseconds historyTtl{600000};
  };
  RedisRoomBroker(std::shared_ptr<kv::RedisConnectionPool> pool, kv::PubSub& pubsub, Settings settings);
  ~RedisRoomBroker() override;

  void setListener(Listener listener) override { listener_ = std::move(listener); }
  Published publish(const std::string& key, const std::string& event, const std::string& data) override;
  std::vector<Published> publishMany(const std::vector<PublishRequest>& requests) override;
  void signal(const std::string& key, const std::string& frame) override;
  void listen(const std::string& key) override;
  void unlisten(const std::string& key) override;
  RoomHistory history(const std::string& key) override;
  bool track(const std::string& set, const std::string& member, const std::string& info, int delta) override;
  std::vector<std::string> members(const std::string& set) override;
  void heartbeat() override;

 private:
  void onMessage(const std::string& channel, const std::string& message) const;
  std::string key(std::string_view kind, std::string_view name) const;

  std::shared_ptr<kv::RedisConnectionPool> pool_;
  kv::PubSub& pubsub_;
  Settings settings_;
  Listener listener_;
  std::mutex mutex_;
  struct Listening {
    int count = 0;
    std::unique_ptr<kv::PubSub::Subscription> subscription;
  };
  std::map<std::string, Listening> listening_;
};

}  // namespace monti::realtime
