#pragma once

#include <monti/http/Response.hpp>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace monti::http {

/// Performs the handover a response asked for (Response::takeover): writes the status line and headers
/// itself and takes the socket out of the HTTP server. Called on the HTTP worker thread.
class TakeoverHandler {
 public:
  virtual ~TakeoverHandler() = default;
  /// `response` already carries the pipeline's headers (CORS, correlation id).
  virtual void take(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    const Response& outcome) = 0;
};

}  // namespace monti::http
