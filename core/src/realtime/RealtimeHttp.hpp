#pragma once
/// The HTTP face of the hub: the WebSocket and SSE endpoints (auth and room checks happen in the normal
/// pipeline, before any upgrade), the presence and publish routes, and the socket handover.

#include "http/HttpPipeline.hpp"
#include "http/Router.hpp"
#include "http/TakeoverHandler.hpp"
#include "realtime/Hub.hpp"

namespace monti::realtime {

/// Adds GET /ws, /api/v1/ws, /api/v1/events, /api/v1/realtime/presence and
/// POST /api/v1/admin/realtime/publish.
void registerRealtimeRoutes(http::Router& router, Hub& hub);
/// The stream routes, which also take the token from the subprotocol or the query (see
/// HttpPipeline::acceptTokensOutsideHeaders).
const std::vector<std::string>& streamRoutePatterns();

/// Writes the 101 (WebSocket) or the SSE headers, takes the socket out of Poco and gives it to the hub.
class HubTakeover final : public http::TakeoverHandler {
 public:
  explicit HubTakeover(Hub& hub) : hub_(hub) {}
  void take(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
            const http::Response& outcome) override;

 private:
  Hub& hub_;
};

}  // namespace monti::realtime
