#include "http/PollingSocket.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

namespace monti::http {
namespace {

struct Pair {
  PollingServerSocket listener;
  Poco::Net::StreamSocket client;
  Poco::Net::StreamSocket accepted;

  Pair() {
    listener.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
    listener.listen(4);
    client.connect(Poco::Net::SocketAddress("127.0.0.1", listener.address().port()));
    accepted = listener.acceptConnection();
  }
};

TEST(PollingSocket, AcceptedConnectionsPollWithoutPocosEpollPerCall) {
  Pair pair;
  EXPECT_NE(dynamic_cast<PollingStreamSocketImpl*>(pair.accepted.impl()), nullptr);
}

TEST(PollingSocket, PollTimesOutWhenNothingArrivesAndIsReadyWhenDataDoes) {
  Pair pair;
  EXPECT_FALSE(pair.accepted.poll(Poco::Timespan(0, 20'000), Poco::Net::Socket::SELECT_READ));
  pair.client.sendBytes("x", 1);
  EXPECT_TRUE(pair.accepted.poll(Poco::Timespan(2, 0), Poco::Net::Socket::SELECT_READ));
  EXPECT_TRUE(pair.accepted.poll(Poco::Timespan(0, 0), Poco::Net::Socket::SELECT_WRITE));
}

TEST(PollingSocket, APeerThatClosedMakesThePollReadySoTheReadSeesTheEnd) {
  Pair pair;
  pair.client.close();
  ASSERT_TRUE(pair.accepted.poll(Poco::Timespan(2, 0), Poco::Net::Socket::SELECT_READ));
  char byte = 0;
  EXPECT_EQ(pair.accepted.receiveBytes(&byte, 1), 0);
}

TEST(PollingSocket, TheListenerPollsForPendingConnections) {
  PollingServerSocket listener;
  listener.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
  listener.listen(4);
  EXPECT_FALSE(listener.poll(Poco::Timespan(0, 10'000), Poco::Net::Socket::SELECT_READ));
  Poco::Net::StreamSocket client;
  client.connect(Poco::Net::SocketAddress("127.0.0.1", listener.address().port()));
  EXPECT_TRUE(listener.poll(Poco::Timespan(2, 0), Poco::Net::Socket::SELECT_READ));
}

}  // namespace
}  // namespace monti::http
