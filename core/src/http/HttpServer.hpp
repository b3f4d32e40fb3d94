#pragma once

#include "config/CoreConfig.hpp"
#include "http/HttpPipeline.hpp"
#include "http/TakeoverHandler.hpp"

#include <Poco/AutoPtr.h>
#include <cstdint>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerParams;
class ServerSocket;
}  // namespace Net
}  // namespace Poco

namespace monti::http {

/// Poco's HTTPServer with our own thread pool and limits, feeding every request to the pipeline.
class HttpServer {
 public:
  HttpServer(const config::ServerConfig& config, HttpPipeline& pipeline);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Where responses with a takeover go (the realtime hub). Set before start().
  void setTakeoverHandler(TakeoverHandler* handler) noexcept { takeover_ = handler; }
  /// Binds and starts accepting. Throws std::runtime_error naming the address when the port is taken.
  void start();
  /// The bound port (useful when the config asked for port 0).
  std::uint16_t port() const noexcept { return port_; }
  /// The HTTPS port, 0 when TLS is off.
  std::uint16_t tlsPort() const noexcept { return tlsPort_; }
  /// Stops accepting, lets in-flight requests finish for up to `timeout`, then closes what is left.
  void drainAndStop(std::chrono::milliseconds timeout);

 private:
  void startTls(const Poco::AutoPtr<Poco::Net::HTTPServerParams>& params);

  config::ServerConfig config_;
  HttpPipeline& pipeline_;
  TakeoverHandler* takeover_ = nullptr;
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::unique_ptr<Poco::Net::ServerSocket> listener_;  // a handle on the server's socket, to close it on drain
  std::unique_ptr<Poco::Net::HTTPServer> tlsServer_;
  std::unique_ptr<Poco::Net::ServerSocket> tlsListener_;
  std::uint16_t port_ = 0;
  std::uint16_t tlsPort_ = 0;

  // Poco reaps idle pool threads only when it hands out a new one, which keep-alive traffic rarely asks
  // for: this thread collects them every few seconds so a handshake burst does not leave them behind.
  void reapIdleWorkers();
  std::mutex reaperMutex_;
  std::condition_variable reaperWake_;
  bool reaperStopping_ = false;
  std::thread reaper_;
};

}  // namespace monti::http
