#include "HttpClient.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <cctype>
#include <charconv>

namespace monti::agentsim {
namespace {

// The server closes idle keep-alive connections after 5 s (server.keep_alive_timeout); reconnecting a
// little earlier avoids sending on a connection it is about to close.
const Poco::Timespan kKeepAliveTimeout(4, 0);
const Poco::Timespan kRequestTimeout(10, 0);

int parseRetryAfter(const Poco::Net::HTTPResponse& response) {
  if (!response.has("Retry-After")) return 0;
  const std::string& text = response.get("Retry-After");
  int seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  return ec == std::errc() && ptr == text.data() + text.size() && seconds > 0 ? seconds : 0;
}

}  // namespace

nlohmann::json Reply::json() const { return nlohmann::json::parse(body, nullptr, false); }

std::string Reply::describe() const {
  if (status == 0) return "no answer: " + networkError;
  std::string text = std::to_string(status);
  const auto parsed = json();
  const auto error = parsed.is_object() ? parsed.value("error", nlohmann::json()) : nlohmann::json();
  if (!error.is_object()) {
    // Not the server's error shape (a proxy, a 404 from something else): the start of the body, one line.
    std::string start;
    for (const char c : body.substr(0, 200)) {
      const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
      if (!space || (!start.empty() && start.back() != ' ')) start += space ? ' ' : c;
    }
    if (!start.empty()) text += " " + start.substr(0, 120);
    return text;
  }
  text += " " + error.value("message", std::string("(no message)"));
  const auto details = error.value("details", nlohmann::json::array());
  std::string fields;
  for (const auto& d : details) {
    if (!d.is_object()) continue;
    if (!fields.empty()) fields += "; ";
    fields += d.value("field", std::string("?")) + ": " + d.value("message", std::string("?"));
  }
  if (!fields.empty()) text += " (" + fields + ")";
  return text;
}

HttpClient::HttpClient(const ServerUrl& url)
    : url_(url), session_(std::make_unique<Poco::Net::HTTPClientSession>(url.host, url.port)) {
  session_->setKeepAlive(true);
  session_->setKeepAliveTimeout(kKeepAliveTimeout);
  session_->setTimeout(kRequestTimeout);
}

HttpClient::~HttpClient() = default;

void HttpClient::reset() {
  session_->reset();
  used_ = false;
}

Reply HttpClient::send(std::string_view method, const std::string& path, const nlohmann::json* body,
                       const std::string& bearer) {
  const std::string payload = body != nullptr ? body->dump() : std::string();
  const bool wasUsed = used_ && session_->connected();
  Reply reply = attempt(method, path, payload, body != nullptr, bearer);
  // A keep-alive connection the server closed in the meantime fails on the first use; a fresh one will not.
  if (reply.status == 0 && wasUsed) reply = attempt(method, path, payload, body != nullptr, bearer);
  return reply;
}

Reply HttpClient::attempt(std::string_view method, const std::string& path, const std::string& payload, bool hasBody,
                          const std::string& bearer) {
  Reply reply;
  const auto started = std::chrono::steady_clock::now();
  try {
    Poco::Net::HTTPRequest request(std::string(method), url_.basePath + path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.set("Accept", "application/json");
    request.set("User-Agent", "monti-agentsim");
    if (!bearer.empty()) request.set("Authorization", "Bearer " + bearer);
    if (hasBody) {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(payload.size()));
    } else if (method == "POST" || method == "PUT") {
      request.setContentLength(0);
    }
    auto& out = session_->sendRequest(request);
    // Poco writes the header and the body separately; with Nagle on, the body would wait for the ACK of
    // the header, which a delayed-ACK peer sends only after 40 ms.
    session_->socket().setNoDelay(true);
    if (hasBody) out << payload;
    Poco::Net::HTTPResponse response;
    auto& in = session_->receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);  // read to the end so the connection can be reused
    reply.status = static_cast<int>(response.getStatus());
    reply.retryAfterSeconds = parseRetryAfter(response);
    used_ = true;
  } catch (const Poco::Exception& e) {
    reply = Reply{};
    reply.networkError = e.displayText();
    reset();
  } catch (const std::ios_base::failure& e) {
    reply = Reply{};
    reply.networkError = e.what();
    reset();
  }
  reply.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  return reply;
}

std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4u];
      out += kHex[u & 15u];
    }
  }
  return out;
}

}  // namespace monti::agentsim
