#pragma once
/// Sockets for the HTTP listener whose poll() is one poll(2) call.
///
/// Poco 1.11's SocketImpl::poll creates an epoll instance, registers the socket, waits and closes the
/// instance on every call. Its HTTP server polls once per keep-alive request and its TCP server polls the
/// listening socket for every accept and every 250 ms, so each request paid three extra system calls and
/// an anonymous inode (measured: about a sixth of a small request's CPU). Everything else is Poco's.

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/ServerSocketImpl.h>
#include <Poco/Net/StreamSocketImpl.h>

namespace monti::http {

/// An accepted connection.
class PollingStreamSocketImpl : public Poco::Net::StreamSocketImpl {
 public:
  explicit PollingStreamSocketImpl(poco_socket_t fd) : StreamSocketImpl(fd) {}
  bool poll(const Poco::Timespan& timeout, int mode) override;
};

/// The listening socket: accepts PollingStreamSocketImpl connections.
class PollingServerSocketImpl : public Poco::Net::ServerSocketImpl {
 public:
  Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddress) override;
  bool poll(const Poco::Timespan& timeout, int mode) override;
};

/// A Poco::Net::ServerSocket on a PollingServerSocketImpl; bind and listen as usual.
class PollingServerSocket : public Poco::Net::ServerSocket {
 public:
  PollingServerSocket()
      : ServerSocket(new PollingServerSocketImpl, true) {
  }  // NOLINT(cppcoreguidelines-owning-memory): Poco's refcount owns it
};

}  // namespace monti::http
