#include "SimAgent.hpp"

namespace monti::agentsim {

std::string_view statusName(Status status) {
  switch (status) {
    case Status::offline:
      return "offline";
    case Status::online:
      return "online";
    case Status::away:
      return "away";
    case Status::busy:
      return "busy";
  }
  return "offline";
}

std::optional<Status> parseStatus(std::string_view text) {
  for (const auto s : {Status::offline, Status::online, Status::away, Status::busy}) {
    if (statusName(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace monti::agentsim
