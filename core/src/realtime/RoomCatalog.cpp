#include "realtime/RoomCatalog.hpp"

#include <algorithm>

namespace monti::realtime {
namespace {

std::vector<std::string> splitSegments(std::string_view text, std::size_t maxSegments) {
  std::vector<std::string> out;
  while (out.size() + 1 < maxSegments) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) break;
    out.emplace_back(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  out.emplace_back(text);  // the last segment keeps any further ':' (a placeholder value may hold one)
  return out;
}

bool isPlaceholder(const std::string& segment) { return segment.size() > 2 && segment.front() == '{'; }

bool acceptableName(std::string_view room) {
  if (room.empty() || room.size() > kMaxRoomNameBytes) return false;
  return std::none_of(room.begin(), room.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F || c == ',';
  });
}

}  // namespace

RoomCatalog::RoomCatalog(const plugin::Catalog& catalog) {
  for (const auto& room : catalog.rooms) {
    Pattern p{splitSegments(room.pattern, std::string::npos), &room.mayJoin, nullptr};
    for (const auto& a : catalog.aggregators)
      if (a.roomPattern == room.pattern) p.aggregator = &a.aggregate;
    patterns_.push_back(std::move(p));
  }
  // The most specific pattern wins: "example:admins" before "example:{id}", which would match it too.
  const auto literals = [](const Pattern& p) {
    return std::count_if(p.segments.begin(), p.segments.end(), [](const std::string& s) { return !isPlaceholder(s); });
  };
  std::stable_sort(patterns_.begin(), patterns_.end(), [&](const Pattern& a, const Pattern& b) {
    if (literals(a) != literals(b)) return literals(a) > literals(b);
    return a.segments.size() > b.segments.size();
  });
}

std::optional<RoomMatch> RoomCatalog::find(std::string_view room) const {
  if (!acceptableName(room)) return std::nullopt;
  for (const auto& pattern : patterns_) {
    const auto segments = splitSegments(room, pattern.segments.size());
    if (segments.size() != pattern.segments.size()) continue;
    RoomMatch match{pattern.mayJoin, pattern.aggregator, {}};
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) {
      const auto& want = pattern.segments[i];
      if (isPlaceholder(want)) {
        ok = !segments[i].empty();
        match.params.emplace_back(want.substr(1, want.size() - 2), segments[i]);
      } else {
        ok = segments[i] == want;
      }
    }
    if (ok) return match;
  }
  return std::nullopt;
}

std::string roomKey(std::string_view tenant, std::string_view room) {
  std::string key;
  key.reserve(tenant.size() + room.size() + 1);
  key.append(tenant).push_back('/');
  key.append(room);
  return key;
}

std::string_view roomOfKey(std::string_view key) {
  const auto slash = key.find('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

}  // namespace monti::realtime
