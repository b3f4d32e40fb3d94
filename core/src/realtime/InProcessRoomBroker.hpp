#pragma once

#include "realtime/RoomBroker.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

namespace monti::realtime {

/// One node, no Redis: offsets and history in memory (lost on restart: a new epoch tells clients).
class InProcessRoomBroker final : public RoomBroker {
 public:
  InProcessRoomBroker(int historySize, std::chrono::milliseconds historyTtl);

  void setListener(Listener listener) override { listener_ = std::move(listener); }
  Published publish(const std::string& key, const std::string& event, const std::string& data) override;
  std::vector<Published> publishMany(const std::vector<PublishRequest>& requests) override;
  void signal(const std::string& key, const std::string& frame) override;
  void listen(const std::string&) override {}
  void unlisten(const std::string&) override {}
  RoomHistory history(const std::string& key) override;
  bool track(const std::string& set, const std::string& member, const std::string& info, int delta) override;
  std::vector<std::string> members(const std::string& set) override;
  void heartbeat() override {}

 private:
  using Clock = std::chrono::steady_clock;
  struct Room {
    std::string epoch;
    std::int64_t offset = 0;
    std::deque<std::pair<Clock::time_point, RoomMessage>> history;
  };
  struct Member {
    int connections = 0;
    std::string info;
  };
  void trim(Room& room, Clock::time_point now) const;

  const std::size_t historySize_;
  const std::chrono::milliseconds historyTtl_;
  Listener listener_;
  std::mutex mutex_;  // held while delivering, so listeners see each room's events in offset order
  std::unordered_map<std::string, Room> rooms_;
  std::unordered_map<std::string, std::map<std::string, Member>> sets_;
};

}  // namespace monti::realtime
