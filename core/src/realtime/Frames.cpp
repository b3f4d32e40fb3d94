#include "realtime/Frames.hpp"

#include <nlohmann/json.hpp>

namespace monti::realtime::frames {
namespace {

void appendEventFields(std::string& out, std::string_view room, const RoomMessage& m) {
  out.append("\"room\":").append(frames::quoted(room));
  out.append(",\"offset\":").append(std::to_string(m.offset));
  out.append(",\"event\":").append(frames::quoted(m.event));
  out.append(",\"data\":").append(m.data.empty() ? "null" : m.data);
}

}  // namespace

std::string quoted(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string event(std::string_view room, const RoomMessage& message) {
  std::string out = "{\"type\":\"event\",";
  out.reserve(64 + room.size() + message.event.size() + message.data.size());
  appendEventFields(out, room, message);
  out.push_back('}');
  return out;
}

std::string batch(std::string_view room, const std::vector<RoomMessage>& messages) {
  std::string out = "{\"type\":\"batch\",\"room\":" + frames::quoted(room) + ",\"events\":[";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('{');
    appendEventFields(out, room, messages[i]);
    out.push_back('}');
  }
  out.append("],\"offset\":").append(std::to_string(messages.empty() ? 0 : messages.back().offset)).push_back('}');
  return out;
}

std::string subscribed(std::string_view room, bool recovered, std::string_view epoch, std::int64_t offset) {
  return "{\"type\":\"subscribed\",\"room\":" + frames::quoted(room) +
         ",\"recovered\":" + (recovered ? "true" : "false") + ",\"epoch\":" + frames::quoted(epoch) +
         ",\"offset\":" + std::to_string(offset) + "}";
}

std::string error(std::string_view code, std::string_view message, std::string_view room) {
  std::string out = "{\"type\":\"error\",\"code\":" + frames::quoted(code) + ",\"message\":" + frames::quoted(message);
  if (!room.empty()) out.append(",\"room\":").append(frames::quoted(room));
  out.push_back('}');
  return out;
}

std::string presenceChange(std::string_view type, std::string_view room, std::string_view userInfo) {
  return "{\"type\":" + frames::quoted(type) + ",\"room\":" + frames::quoted(room) +
         ",\"user\":" + std::string(userInfo) + "}";
}

std::string sse(std::string_view id, std::string_view eventName, std::string_view data) {
  std::string out;
  out.reserve(id.size() + eventName.size() + data.size() + 24);
  if (!id.empty()) out.append("id: ").append(id).push_back('\n');
  if (!eventName.empty()) out.append("event: ").append(eventName).push_back('\n');
  out.append("data: ").append(data).append("\n\n");
  return out;
}

}  // namespace monti::realtime::frames
