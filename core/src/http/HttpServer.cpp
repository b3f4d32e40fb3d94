#include "http/HttpServer.hpp"

#include "http/PollingSocket.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <thread>

namespace monti::http {
namespace {

constexpr int kIdleWorkerSeconds = 10;

class PocoBody final : public BodySource {
 public:
  explicit PocoBody(Poco::Net::HTTPServerRequest& request) : request_(request) {}

  std::optional<std::int64_t> declaredLength() const override {
    const auto n = request_.getContentLength64();
    return n == Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH ? std::nullopt : std::optional<std::int64_t>(n);
  }
  bool chunked() const override { return request_.getChunkedTransferEncoding(); }

  std::optional<std::string> readAtMost(std::int64_t maxBytes) override {
    std::string body;
    if (auto n = declaredLength(); n && *n <= maxBytes) body.reserve(static_cast<std::size_t>(*n));
    std::istream& in = request_.stream();
    char buffer[16 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (static_cast<std::int64_t>(body.size()) > maxBytes) return std::nullopt;
    }
    return body;
  }

 private:
  Poco::Net::HTTPServerRequest& request_;
};

void sendError(Poco::Net::HTTPServerResponse& response, const HttpError& error) {
  const std::string body = errorBody(error, newCorrelationId());
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(error.status()));
  response.setContentType("application/json");
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.send() << body;
}

class PipelineHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  PipelineHandler(HttpPipeline& pipeline, TakeoverHandler* takeover, bool secure)
      : pipeline_(pipeline), takeover_(takeover), secure_(secure) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    IncomingRequest incoming;
    incoming.method = request.getMethod();
    incoming.uri = request.getURI();
    incoming.remoteAddress = request.clientAddress().host().toString();
    incoming.headers.reserve(request.size());
    for (const auto& [name, value] : request)
      incoming.headers.emplace_back(name, value);
    PocoBody body(request);
    incoming.body = &body;
    incoming.secure = secure_;

    Outcome outcome = pipeline_.handle(incoming);
    const Response& r = outcome.response;
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status()));
    for (const auto& [name, value] : r.headers())
      response.set(name, value);
    if (r.takeover()) {
      if (takeover_ != nullptr && !secure_) {
        takeover_->take(request, response, r);
        return;
      }
      // The event loops speak plain TCP: TLS for WebSocket and SSE is terminated in front (docs/realtime.md).
      sendError(response,
                HttpError(501, "not_implemented",
                          "WebSocket and SSE are served on the plain HTTP port behind a TLS-terminating proxy"));
      return;
    }
    if (outcome.closeConnection) response.setKeepAlive(false);
    if (r.status() == 204 || r.status() == 304) {
      response.send();
      return;
    }
    if (!r.contentType().empty()) response.setContentType(r.contentType());
    response.setContentLength64(static_cast<Poco::Int64>(r.body().size()));
    std::ostream& out = response.send();
    if (!outcome.omitBody) out.write(r.body().data(), static_cast<std::streamsize>(r.body().size()));
  }

 private:
  HttpPipeline& pipeline_;
  TakeoverHandler* takeover_;
  bool secure_;
};

class PipelineFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  PipelineFactory(HttpPipeline& pipeline, TakeoverHandler* takeover, bool secure)
      : pipeline_(pipeline), takeover_(takeover), secure_(secure) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): Poco owns it
    return new PipelineHandler(pipeline_, takeover_, secure_);
  }

 private:
  HttpPipeline& pipeline_;
  TakeoverHandler* takeover_;
  bool secure_;
};

// TLS 1.2 or later with the configured certificate; no client certificates.
Poco::Net::Context::Ptr tlsContext(const config::ServerConfig& config) {
  Poco::Net::Context::Params params;
  params.privateKeyFile = config.tlsKeyFile;
  params.certificateFile = config.tlsCertFile;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = false;
  params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  context->preferServerCiphers();
  return context;
}

}  // namespace

HttpServer::HttpServer(const config::ServerConfig& config, HttpPipeline& pipeline)
    : config_(config), pipeline_(pipeline) {}

HttpServer::~HttpServer() {
  if (server_) drainAndStop(std::chrono::milliseconds{0});
}

void HttpServer::start() {
  PollingServerSocket socket;
  const Poco::Net::SocketAddress address(config_.host, static_cast<Poco::UInt16>(config_.port));
  try {
    // reuseAddress for quick restarts, but never SO_REUSEPORT: a stale second instance must fail to bind.
    socket.bind(address, true, false);
    socket.listen(config_.backlog);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + address.toString() + ": " + e.displayText());
  }
  port_ = socket.address().port();

  // Poco's default pool has 16 threads and silently caps maxThreads: bring our own.
  // Idle workers go after 10 s: a burst of WebSocket handshakes borrows many briefly, and the connections
  // then live on the event loops, so the pool must not stay at its peak (Poco's default keeps them 60 s).
  threads_ = std::make_unique<Poco::ThreadPool>(2, config_.threads, kIdleWorkerSeconds);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;  // NOLINT: Poco's AutoPtr owns it
  params->setMaxThreads(config_.threads);
  params->setMaxQueued(config_.maxQueued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(config_.keepAliveTimeout.count() * 1000));
  params->setMaxKeepAliveRequests(config_.maxKeepAliveRequests);
  params->setTimeout(Poco::Timespan(config_.readTimeout.count() * 1000));
  params->setServerName("monti");
  server_ = std::make_unique<Poco::Net::HTTPServer>(new PipelineFactory(pipeline_, takeover_, false), *threads_, socket,
                                                    params);
  if (config_.tlsEnabled) startTls(params);
  listener_ = std::make_unique<Poco::Net::ServerSocket>(socket);
  server_->start();
  reaperStopping_ = false;
  reaper_ = std::thread([this] { reapIdleWorkers(); });
}

void HttpServer::startTls(const Poco::AutoPtr<Poco::Net::HTTPServerParams>& params) {
  const Poco::Net::SocketAddress address(config_.host, static_cast<Poco::UInt16>(config_.tlsPort));
  Poco::Net::SecureServerSocket socket(tlsContext(config_));
  try {
    socket.bind(address, true, false);
    socket.listen(config_.backlog);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen (TLS) on " + address.toString() + ": " + e.displayText());
  }
  tlsPort_ = socket.address().port();
  tlsListener_ = std::make_unique<Poco::Net::ServerSocket>(socket);
  tlsServer_ = std::make_unique<Poco::Net::HTTPServer>(new PipelineFactory(pipeline_, takeover_, true), *threads_,
                                                       socket, params);
  tlsServer_->start();
}

void HttpServer::reapIdleWorkers() {
  std::unique_lock lock(reaperMutex_);
  while (
      !reaperWake_.wait_for(lock, std::chrono::seconds(kIdleWorkerSeconds) / 2, [this] { return reaperStopping_; })) {
    threads_->collect();
  }
}

void HttpServer::drainAndStop(std::chrono::milliseconds timeout) {
  if (!server_) return;
  {
    std::lock_guard lock(reaperMutex_);
    reaperStopping_ = true;
  }
  reaperWake_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  pipeline_.setDraining(true);
  // Poco's stop leaves the listening socket open (and its acceptor takes up to 250 ms to notice): close it
  // first so new clients are refused at once instead of left hanging.
  listener_->close();
  if (tlsListener_) tlsListener_->close();
  // Stops the acceptor; connections finish the request they are on, then close (keep-alive ends).
  server_->stopAll(false);
  if (tlsServer_) tlsServer_->stopAll(false);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto open = [this] {
    return server_->currentConnections() + (tlsServer_ ? tlsServer_->currentConnections() : 0);
  };
  while (open() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (open() > 0) {
    server_->stopAll(true);
    if (tlsServer_) tlsServer_->stopAll(true);
  }
  threads_->joinAll();
  tlsServer_.reset();
  server_.reset();
}

}  // namespace monti::http
