#pragma once
/// Seed 001 §3.3's rooms with their join rules, and how committed agent.* events become the room events
/// of §3.2 (with the frontend's names: agent_status_change, agent_online, …).

#include "GroupedView.hpp"

#include <monti/realtime/RoomRegistry.hpp>

namespace monti::agents {

/// Declares the rooms and routes agent.* events into them; `view` feeds the agents:summary rooms.
void registerRooms(realtime::RoomRegistry& rooms, GroupedView& view);

/// The room events one committed agent.* event causes (public for unit tests).
std::vector<realtime::RoomEvent> roomEventsFor(const events::Event& event);

}  // namespace monti::agents
