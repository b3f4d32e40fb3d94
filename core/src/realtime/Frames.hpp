#pragma once
/// The JSON texts of the realtime protocol (docs/realtime.md), built without JSON trees on the hot path:
/// event data is already serialised and is spliced in as is.

#include <monti/realtime/RoomRegistry.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace monti::realtime::frames {

/// {"type":"event","room","offset","event","data"}
std::string event(std::string_view room, const RoomMessage& message);
/// {"type":"batch","room","events":[{room, offset, event, data}…],"offset"}
std::string batch(std::string_view room, const std::vector<RoomMessage>& messages);
std::string subscribed(std::string_view room, bool recovered, std::string_view epoch, std::int64_t offset);
std::string error(std::string_view code, std::string_view message, std::string_view room = {});
/// {"type":"join"|"leave","room","user":{"id","username"}}
std::string presenceChange(std::string_view type, std::string_view room, std::string_view userInfo);

/// One SSE message: optional id, event name, and data on one line (JSON has no raw newlines).
std::string sse(std::string_view id, std::string_view eventName, std::string_view data);

/// A JSON string literal of `text` (quoted and escaped).
std::string quoted(std::string_view text);

}  // namespace monti::realtime::frames
