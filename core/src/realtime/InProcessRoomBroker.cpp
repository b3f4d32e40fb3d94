#include "realtime/InProcessRoomBroker.hpp"

#include "auth/crypto/Digest.hpp"
#include "auth/crypto/Random.hpp"

namespace monti::realtime {

std::string newEpoch() { return auth::crypto::toHex(auth::crypto::randomBytes(8)); }

InProcessRoomBroker::InProcessRoomBroker(int historySize, std::chrono::milliseconds historyTtl)
    : historySize_(static_cast<std::size_t>(historySize)), historyTtl_(historyTtl) {}

void InProcessRoomBroker::trim(Room& room, Clock::time_point now) const {
  while (room.history.size() > historySize_ ||
         (!room.history.empty() && room.history.front().first + historyTtl_ < now))
    room.history.pop_front();
}

Published InProcessRoomBroker::publish(const std::string& key, const std::string& event, const std::string& data) {
  std::lock_guard lock(mutex_);
  Room& room = rooms_[key];
  if (room.epoch.empty()) room.epoch = newEpoch();
  BrokerMessage message{BrokerMessage::Kind::event, room.epoch, RoomMessage{++room.offset, event, data}, {}};
  const auto now = Clock::now();
  room.history.emplace_back(now, message.event);
  trim(room, now);
  if (listener_) listener_(key, message);
  return {room.offset, room.epoch};
}

std::vector<Published> InProcessRoomBroker::publishMany(const std::vector<PublishRequest>& requests) {
  std::vector<Published> out;
  out.reserve(requests.size());
  for (const auto& r : requests)
    out.push_back(publish(r.key, r.event, r.data));
  return out;
}

void InProcessRoomBroker::signal(const std::string& key, const std::string& frame) {
  std::lock_guard lock(mutex_);
  if (listener_) listener_(key, BrokerMessage{BrokerMessage::Kind::signal, {}, {}, frame});
}

RoomHistory InProcessRoomBroker::history(const std::string& key) {
  std::lock_guard lock(mutex_);
  Room& room = rooms_[key];
  if (room.epoch.empty()) room.epoch = newEpoch();
  trim(room, Clock::now());
  RoomHistory out{room.epoch, room.offset, {}};
  out.events.reserve(room.history.size());
  for (const auto& [at, message] : room.history)
    out.events.push_back(message);
  return out;
}

bool InProcessRoomBroker::track(const std::string& set, const std::string& member, const std::string& info, int delta) {
  std::lock_guard lock(mutex_);
  auto& members = sets_[set];
  Member& m = members[member];
  const int before = m.connections;
  m.connections += delta;
  if (delta > 0) m.info = info;
  const bool changed = (before == 0) != (m.connections <= 0);
  if (m.connections <= 0) members.erase(member);
  if (members.empty()) sets_.erase(set);
  return changed;
}

std::vector<std::string> InProcessRoomBroker::members(const std::string& set) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  if (auto it = sets_.find(set); it != sets_.end())
    for (const auto& [id, m] : it->second)
      out.push_back(m.info);
  return out;
}

}  // namespace monti::realtime
