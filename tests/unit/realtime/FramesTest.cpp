#include "realtime/Frames.hpp"
#include "realtime/OutputQueue.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>

namespace monti::realtime {
namespace {

TEST(FramesTest, AnEventSplicesItsDataUnchanged) {
  const auto json = nlohmann::json::parse(frames::event("agents:all", {7, "agent.updated", R"({"id":1})"}));
  EXPECT_EQ(json, nlohmann::json::parse(
                      R"({"type":"event","room":"agents:all","offset":7,"event":"agent.updated","data":{"id":1}})"));
}

TEST(FramesTest, ABatchCarriesEveryEventAndTheLastOffset) {
  const auto json = nlohmann::json::parse(frames::batch("r", {{1, "a", "1"}, {2, "b", "[2]"}}));
  EXPECT_EQ(json["type"], "batch");
  EXPECT_EQ(json["offset"], 2);
  ASSERT_EQ(json["events"].size(), 2u);
  EXPECT_EQ(json["events"][1], nlohmann::json::parse(R"({"room":"r","offset":2,"event":"b","data":[2]})"));
}

TEST(FramesTest, NamesAreEscaped) {
  const auto json = nlohmann::json::parse(frames::error("forbidden", "no \"way\"\n", "a\"b"));
  EXPECT_EQ(json["message"], "no \"way\"\n");
  EXPECT_EQ(json["room"], "a\"b");
}

TEST(FramesTest, SubscribedAndPresenceChangesAreJson) {
  EXPECT_EQ(nlohmann::json::parse(frames::subscribed("r", true, "e1", 5)),
            nlohmann::json::parse(R"({"type":"subscribed","room":"r","recovered":true,"epoch":"e1","offset":5})"));
  EXPECT_EQ(nlohmann::json::parse(frames::presenceChange("leave", "r", R"({"id":"3"})"))["user"]["id"], "3");
}

TEST(FramesTest, SseMessagesHaveIdEventAndOneDataLine) {
  EXPECT_EQ(frames::sse("r@3", "agent.updated", "{}"), "id: r@3\nevent: agent.updated\ndata: {}\n\n");
  EXPECT_EQ(frames::sse("", "subscribed", "{}"), "event: subscribed\ndata: {}\n\n");
}

TEST(OutputQueueTest, WritesSharedChunksAcrossPartialWrites) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  int small = 4096;
  ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  OutputQueue queue;
  const auto chunk = std::make_shared<const std::string>(std::string(100000, 'x'));
  queue.push(chunk);
  queue.push(std::string("end"));
  EXPECT_EQ(queue.bytes(), 100003u);
  EXPECT_EQ(queue.writeTo(fds[0]), OutputQueue::Flush::wouldBlock);
  EXPECT_LT(queue.bytes(), 100003u);
  std::string received;
  char buffer[65536];
  while (received.size() < 100003) {
    const auto n = ::read(fds[1], buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    received.append(buffer, static_cast<std::size_t>(n));
    queue.writeTo(fds[0]);
  }
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(received.substr(received.size() - 4), "xend");
  EXPECT_EQ(*chunk, std::string(100000, 'x')) << "the shared chunk itself is untouched";
  ::close(fds[1]);
  queue.push(std::string("more"));
  EXPECT_EQ(queue.writeTo(fds[0]), OutputQueue::Flush::failed) << "the peer is gone";
  ::close(fds[0]);
}

}  // namespace
}  // namespace monti::realtime
