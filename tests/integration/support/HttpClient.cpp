#include "support/HttpClient.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <strings.h>
#include <array>
#include <sstream>
#include <stdexcept>

namespace monti::itest {
namespace {

constexpr auto kHost = "127.0.0.1";
const Poco::Timespan kTimeout(10, 0);

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Parses "HTTP/1.1 413 Payload Too Large\r\nName: value\r\n...\r\n\r\nbody" (Content-Length bodies only).
HttpResponse parseRawResponse(const std::string& raw) {
  const auto headerEnd = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || headerEnd == std::string::npos) {
    throw std::runtime_error("not an HTTP response: \"" + raw.substr(0, 200) + "\"");
  }
  HttpResponse response;
  std::istringstream head(raw.substr(0, headerEnd));
  std::string line;
  std::getline(head, line);
  response.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  response.body = raw.substr(headerEnd + 4);
  if (auto length = response.header("Content-Length")) {
    response.body.resize(std::min(response.body.size(), static_cast<std::size_t>(std::stoull(*length))));
  }
  return response;
}

// True once `raw` holds a whole response: headers plus Content-Length bytes of body.
bool completeResponse(const std::string& raw) {
  const auto headerEnd = raw.find("\r\n\r\n");
  if (headerEnd == std::string::npos) return false;
  const HttpResponse partial = parseRawResponse(raw);
  const auto length = partial.header("Content-Length");
  if (!length) return false;  // read until the server closes
  return raw.size() - headerEnd - 4 >= std::stoull(*length);
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (equalsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

nlohmann::json HttpResponse::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) throw std::runtime_error("response body is not JSON: \"" + body + "\"");
  return parsed;
}

HttpResponse send(int port, const HttpRequest& request) {
  Poco::Net::HTTPClientSession session(kHost, static_cast<Poco::UInt16>(port));
  session.setTimeout(kTimeout);
  Poco::Net::HTTPRequest poco(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : request.headers)
    poco.add(name, value);
  if (request.body) {
    poco.setContentType(request.contentType);
    poco.setContentLength64(static_cast<Poco::Int64>(request.body->size()));
  }
  std::ostream& out = session.sendRequest(poco);
  if (request.body) out << *request.body;
  Poco::Net::HTTPResponse pocoResponse;
  std::istream& in = session.receiveResponse(pocoResponse);
  HttpResponse response;
  response.status = static_cast<int>(pocoResponse.getStatus());
  for (const auto& [name, value] : pocoResponse)
    response.headers.emplace_back(name, value);
  Poco::StreamCopier::copyToString(in, response.body);
  return response;
}

HttpResponse get(int port, const std::string& target, Headers headers) {
  return send(port, HttpRequest{"GET", target, std::move(headers), std::nullopt});
}

HttpResponse postJson(int port, const std::string& target, const std::string& body, Headers headers) {
  return send(port, HttpRequest{"POST", target, std::move(headers), body});
}

RawExchange exchangeRaw(int port, const std::string& bytes, std::chrono::milliseconds timeout, bool untilClosed) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress(kHost, static_cast<Poco::UInt16>(port)), kTimeout);
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeout.count()) * 1000));
  RawExchange result;
  try {
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  } catch (const Poco::Exception&) {
    // The server may close before taking everything we send; what it answered is still worth reading.
  }
  std::array<char, 8192> buffer{};
  for (;;) {
    int n = 0;
    try {
      n = socket.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
    } catch (const Poco::TimeoutException&) {
      break;
    } catch (const Poco::Net::ConnectionResetException&) {
      result.closedByServer = true;
      break;
    }
    if (n <= 0) {
      result.closedByServer = true;
      break;
    }
    result.received.append(buffer.data(), static_cast<std::size_t>(n));
    if (!untilClosed && completeResponse(result.received)) break;
  }
  return result;
}

HttpResponse sendRaw(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  return parseRawResponse(exchangeRaw(port, bytes, timeout).received);
}

bool canConnect(int port) {
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(kHost, static_cast<Poco::UInt16>(port)), Poco::Timespan(1, 0));
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

std::optional<double> metricValue(const std::string& prometheusText, const std::string& series) {
  std::istringstream in(prometheusText);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

}  // namespace monti::itest
