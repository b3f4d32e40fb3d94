#include "http/PollingSocket.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace monti::http {

namespace {

/// poll(2) on one descriptor for Poco's SELECT_* mode bits, resuming after EINTR with the time left: true
/// when ready, false on timeout. Throws a Poco::Net exception, as Poco's own poll does.
bool pollReady(poco_socket_t fd, const Poco::Timespan& timeout, int mode) {
  if (fd == POCO_INVALID_SOCKET) throw Poco::Net::InvalidSocketException();
  pollfd entry{};
  entry.fd = fd;
  if ((mode & Poco::Net::Socket::SELECT_READ) != 0) entry.events |= POLLIN;
  if ((mode & Poco::Net::Socket::SELECT_WRITE) != 0) entry.events |= POLLOUT;
  if ((mode & Poco::Net::Socket::SELECT_ERROR) != 0) entry.events |= POLLPRI;
  Poco::Timespan remaining = timeout;
  while (true) {
    const Poco::Timestamp start;
    const auto waitMs = (remaining.totalMicroseconds() + 999) / 1000;  // rounded up: 0.5 ms must not mean "no wait"
    const int rc = ::poll(&entry, 1, static_cast<int>(waitMs));
    if (rc >= 0) return rc > 0;
    if (errno != EINTR) throw Poco::Net::NetException("poll failed", errno);
    const Poco::Timespan waited = start.elapsed();
    remaining = waited < remaining ? remaining - waited : Poco::Timespan(0);
  }
}

}  // namespace

bool PollingStreamSocketImpl::poll(const Poco::Timespan& timeout, int mode) {
  return pollReady(sockfd(), timeout, mode);
}

Poco::Net::SocketImpl* PollingServerSocketImpl::acceptConnection(Poco::Net::SocketAddress& clientAddress) {
  if (sockfd() == POCO_INVALID_SOCKET) throw Poco::Net::InvalidSocketException();
  sockaddr_storage buffer{};
  auto* address =
      reinterpret_cast<sockaddr*>(&buffer);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): sockets API
  while (true) {
    socklen_t length = sizeof buffer;
    const poco_socket_t fd = ::accept4(sockfd(), address, &length, SOCK_CLOEXEC);
    if (fd != POCO_INVALID_SOCKET) {
      clientAddress = Poco::Net::SocketAddress(address, length);
      return new PollingStreamSocketImpl(fd);  // NOLINT(cppcoreguidelines-owning-memory): Poco's refcount owns it
    }
    if (errno != EINTR) error(errno);  // throws
  }
}

bool PollingServerSocketImpl::poll(const Poco::Timespan& timeout, int mode) {
  return pollReady(sockfd(), timeout, mode);
}

}  // namespace monti::http
