#include "realtime/ws/FrameCodec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace monti::realtime::ws {
namespace {

using namespace std::string_view_literals;

constexpr std::uint32_t kMaskKey = 0x37FA213D;  // the RFC 6455 §5.7 example key
constexpr std::size_t kMaxMessage = 1 << 20;

std::string clientFrame(Opcode opcode, std::string_view payload, bool final = true) {
  return encodeMaskedFrame(opcode, payload, kMaskKey, final);
}

/// Every byte value, so a masking or length mistake cannot hide behind a repetitive payload.
std::string patterned(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    out[i] = static_cast<char>((i * 31 + 7) & 0xFF);
  return out;
}

std::vector<Message> drain(FrameDecoder& decoder) {
  std::vector<Message> messages;
  while (auto message = decoder.next())
    messages.push_back(std::move(*message));
  return messages;
}

std::vector<Message> feedOneByteAtATime(FrameDecoder& decoder, std::string_view bytes) {
  std::vector<Message> messages;
  for (const char byte : bytes) {
    decoder.feed(&byte, 1);
    while (auto message = decoder.next())
      messages.push_back(std::move(*message));
  }
  return messages;
}

/// Feeds `bytes` to a fresh server-side decoder and returns the close code of the error it reports.
std::optional<std::uint16_t> errorCodeFor(std::string_view bytes, Peer from = Peer::client,
                                          std::size_t maxMessage = kMaxMessage) {
  FrameDecoder decoder(from, maxMessage);
  decoder.feed(bytes);
  drain(decoder);
  if (!decoder.error()) return std::nullopt;
  return decoder.error()->closeCode;
}

/// A client frame header with the given first byte and 7-bit length (mask bit set), then a mask key.
std::string rawClientHeader(std::uint8_t first, std::uint8_t length7) {
  std::string header{static_cast<char>(first), static_cast<char>(0x80 | length7)};
  header += "\x37\xFA\x21\x3D"sv;
  return header;
}

// ---- decoding ------------------------------------------------------------------------------------------

TEST(FrameDecoderTest, RoundTripsMaskedFramesOfBoundaryLengths) {
  for (const std::size_t size : {0UL, 1UL, 125UL, 126UL, 65535UL, 65536UL, 100000UL}) {
    FrameDecoder decoder(Peer::client, kMaxMessage);
    const std::string payload = patterned(size);
    decoder.feed(clientFrame(Opcode::binary, payload));
    auto message = decoder.next();
    ASSERT_TRUE(message) << "size " << size;
    EXPECT_EQ(message->opcode, Opcode::binary);
    EXPECT_EQ(message->payload, payload) << "size " << size;
    EXPECT_FALSE(decoder.next());
    EXPECT_FALSE(decoder.error());
    EXPECT_EQ(decoder.buffered(), 0U);
  }
}

TEST(FrameDecoderTest, WaitsForTheWholeFrame) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  const std::string frame = clientFrame(Opcode::text, "hello");
  decoder.feed(std::string_view(frame).substr(0, frame.size() - 1));
  EXPECT_FALSE(decoder.next());
  EXPECT_FALSE(decoder.error());
  decoder.feed(std::string_view(frame).substr(frame.size() - 1));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload, "hello");
}

TEST(FrameDecoderTest, DecodesBytesFedOneAtATime) {
  const std::string large = patterned(70000);
  std::string stream = clientFrame(Opcode::text, "first");
  stream += clientFrame(Opcode::binary, large);
  stream += clientFrame(Opcode::text, "frag", false);
  stream += clientFrame(Opcode::ping, "p");
  stream += clientFrame(Opcode::continuation, "mented");
  stream += clientFrame(Opcode::pong, "");

  FrameDecoder decoder(Peer::client, kMaxMessage);
  const auto messages = feedOneByteAtATime(decoder, stream);

  ASSERT_EQ(messages.size(), 5U);
  EXPECT_EQ(messages[0].payload, "first");
  EXPECT_EQ(messages[1].payload, large);
  EXPECT_EQ(messages[2].opcode, Opcode::ping);
  EXPECT_EQ(messages[3].opcode, Opcode::text);
  EXPECT_EQ(messages[3].payload, "fragmented");
  EXPECT_EQ(messages[4].opcode, Opcode::pong);
  EXPECT_FALSE(decoder.error());
  EXPECT_EQ(decoder.buffered(), 0U);
}

// A quadratic buffer (re-copying the unconsumed tail on every byte) would take minutes here.
TEST(FrameDecoderTest, DecodesALargeMessageFedOneByteAtATime) {
  const std::string payload = patterned(kMaxMessage);
  FrameDecoder decoder(Peer::client, kMaxMessage);
  const auto messages = feedOneByteAtATime(decoder, clientFrame(Opcode::binary, payload));
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0].payload, payload);
}

TEST(FrameDecoderTest, DecodesSeveralFramesFromOneFeed) {
  std::string stream;
  for (int i = 0; i < 100; ++i)
    stream += clientFrame(Opcode::text, "message " + std::to_string(i));
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(stream);
  const auto messages = drain(decoder);
  ASSERT_EQ(messages.size(), 100U);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(messages[i].payload, "message " + std::to_string(i));
}

TEST(FrameDecoderTest, DecodesFramesFedInOddSizedChunks) {
  std::string stream;
  for (std::size_t i = 0; i < 300; ++i)
    stream += clientFrame(Opcode::binary, patterned(i * 3));
  FrameDecoder decoder(Peer::client, kMaxMessage);
  std::vector<Message> messages;
  for (std::size_t at = 0; at < stream.size(); at += 7) {
    decoder.feed(std::string_view(stream).substr(at, 7));
    for (auto& message : drain(decoder))
      messages.push_back(std::move(message));
  }
  ASSERT_EQ(messages.size(), 300U);
  for (std::size_t i = 0; i < messages.size(); ++i)
    EXPECT_EQ(messages[i].payload, patterned(i * 3));
}

TEST(FrameDecoderTest, ReassemblesFragmentedTextAndReturnsAnInterleavedPingFirst) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::text, "Hel", false));
  decoder.feed(clientFrame(Opcode::ping, "are you there"));
  decoder.feed(clientFrame(Opcode::continuation, "lo", false));
  decoder.feed(clientFrame(Opcode::continuation, ", world"));

  const auto messages = drain(decoder);
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].opcode, Opcode::ping);
  EXPECT_EQ(messages[0].payload, "are you there");
  EXPECT_EQ(messages[1].opcode, Opcode::text);
  EXPECT_EQ(messages[1].payload, "Hello, world");
}

TEST(FrameDecoderTest, ReturnsAPingAsSoonAsItArrivesInsideAFragmentedMessage) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::binary, "part", false));
  decoder.feed(clientFrame(Opcode::ping, "x"));
  auto ping = decoder.next();
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->opcode, Opcode::ping);
  EXPECT_FALSE(decoder.next());
  decoder.feed(clientFrame(Opcode::continuation, "s"));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->opcode, Opcode::binary);
  EXPECT_EQ(message->payload, "parts");
}

TEST(FrameDecoderTest, AcceptsAFragmentedMessageAgainAfterOneEnds) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::text, "a", false));
  decoder.feed(clientFrame(Opcode::continuation, "b"));
  decoder.feed(clientFrame(Opcode::binary, "c", false));
  decoder.feed(clientFrame(Opcode::continuation, "d"));
  const auto messages = drain(decoder);
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].payload, "ab");
  EXPECT_EQ(messages[1].opcode, Opcode::binary);
  EXPECT_EQ(messages[1].payload, "cd");
}

TEST(FrameDecoderTest, CountsUndecodedBytesAsBuffered) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  const std::string frame = clientFrame(Opcode::binary, patterned(1000));
  decoder.feed(std::string_view(frame).substr(0, 500));
  EXPECT_FALSE(decoder.next());
  EXPECT_EQ(decoder.buffered(), 500U - 8U);  // the 8 header bytes are decoded; the payload is held
  decoder.feed(std::string_view(frame).substr(500));
  EXPECT_TRUE(decoder.next());
  EXPECT_EQ(decoder.buffered(), 0U);
}

TEST(FrameDecoderTest, ClientSideDecodesUnmaskedServerFrames) {
  FrameDecoder decoder(Peer::server, kMaxMessage);
  decoder.feed(encodeFrame(Opcode::text, "from the server"));
  decoder.feed(encodeFrame(Opcode::binary, patterned(70000)));
  const auto messages = drain(decoder);
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0].payload, "from the server");
  EXPECT_EQ(messages[1].payload, patterned(70000));
  EXPECT_FALSE(decoder.error());
}

TEST(FrameDecoderTest, ClientSideRefusesMaskedFrames) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::text, "hi"), Peer::server), close_code::protocolError);
}

TEST(FrameDecoderTest, ServerSideRefusesUnmaskedClientFrames) {
  EXPECT_EQ(errorCodeFor(encodeFrame(Opcode::text, "hi")), close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesReservedBits) {
  for (const std::uint8_t rsv : {0x40, 0x20, 0x10}) {
    EXPECT_EQ(errorCodeFor(rawClientHeader(0x81 | rsv, 0)), close_code::protocolError) << int{rsv};
  }
}

TEST(FrameDecoderTest, RefusesUnknownOpcodes) {
  for (const std::uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    EXPECT_EQ(errorCodeFor(rawClientHeader(0x80 | opcode, 0)), close_code::protocolError) << int{opcode};
  }
}

TEST(FrameDecoderTest, RefusesFragmentedControlFrames) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::ping, "x", false)), close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesControlFramesLongerThan125Bytes) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::ping, std::string(125, 'x'))), std::nullopt);
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::ping, std::string(126, 'x'))), close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesContinuationWithoutAStartedMessage) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::continuation, "x")), close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesANewDataFrameInsideAFragmentedMessage) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::text, "a", false) + clientFrame(Opcode::text, "b")),
            close_code::protocolError);
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::text, "a", false) + clientFrame(Opcode::binary, "b")),
            close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesA64BitLengthWithTheTopBitSet) {
  std::string header{'\x82', '\xFF'};
  header += "\x80\x00\x00\x00\x00\x00\x00\x00"sv;
  EXPECT_EQ(errorCodeFor(header, Peer::client, SIZE_MAX), close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesAnOversizeFrameFromItsHeaderAlone) {
  std::string header{'\x82', '\xFF'};              // binary, masked, 64-bit length
  header += "\x00\x00\x00\x00\x00\xA0\x00\x00"sv;  // 10 MiB; no mask key and no payload follow
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(header);
  EXPECT_FALSE(decoder.next());
  ASSERT_TRUE(decoder.error());
  EXPECT_EQ(decoder.error()->closeCode, close_code::messageTooBig);
}

TEST(FrameDecoderTest, AcceptsAMessageOfExactlyTheLimit) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::binary, patterned(100)), Peer::client, 100), std::nullopt);
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::binary, patterned(101)), Peer::client, 100), close_code::messageTooBig);
}

TEST(FrameDecoderTest, RefusesFragmentsWhoseSumExceedsTheLimitFromTheHeader) {
  FrameDecoder decoder(Peer::client, 10);
  decoder.feed(clientFrame(Opcode::text, "123456", false));
  decoder.feed(clientFrame(Opcode::continuation, "789"sv, false));
  EXPECT_FALSE(decoder.next());
  EXPECT_FALSE(decoder.error());
  const std::string tooMuch = clientFrame(Opcode::continuation, "ab");  // 11 bytes in all
  decoder.feed(std::string_view(tooMuch).substr(0, 2));                 // the header's first two bytes only
  EXPECT_FALSE(decoder.next());
  ASSERT_TRUE(decoder.error());
  EXPECT_EQ(decoder.error()->closeCode, close_code::messageTooBig);
}

TEST(FrameDecoderTest, AcceptsFragmentsThatSumToTheLimit) {
  FrameDecoder decoder(Peer::client, 10);
  decoder.feed(clientFrame(Opcode::text, "123456", false));
  decoder.feed(clientFrame(Opcode::continuation, "7890"));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload, "1234567890");
}

TEST(FrameDecoderTest, RefusesTextThatIsNotUtf8) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::text, "bad \xC0\xAF")), close_code::invalidPayload);
}

TEST(FrameDecoderTest, AcceptsBinaryThatIsNotUtf8) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::binary, "bad \xC0\xAF")), std::nullopt);
}

TEST(FrameDecoderTest, AcceptsUtf8SplitAcrossFragments) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::text, "price: \xE2", false));  // "€" is E2 82 AC
  decoder.feed(clientFrame(Opcode::continuation, "\x82", false));
  decoder.feed(clientFrame(Opcode::continuation,
                           "\xAC"
                           "5"));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload, "price: €5");
  EXPECT_FALSE(decoder.error());
}

TEST(FrameDecoderTest, RefusesFragmentedTextThatEndsInsideACharacter) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::text, "\xE2", false) + clientFrame(Opcode::continuation, "\x82")),
            close_code::invalidPayload);
}

TEST(FrameDecoderTest, ReturnsACloseFrameWithItsBody) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::close, closePayload(close_code::goingAway, "bye")));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->opcode, Opcode::close);
  EXPECT_EQ(closeCodeOf(message->payload), close_code::goingAway);
  EXPECT_EQ(message->payload.substr(2), "bye");
}

TEST(FrameDecoderTest, AcceptsAnEmptyCloseBody) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::close, ""));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(closeCodeOf(message->payload), close_code::noStatus);
}

TEST(FrameDecoderTest, RefusesAOneByteCloseBody) {
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::close, "\x03")), close_code::protocolError);
}

TEST(FrameDecoderTest, RefusesCloseCodesNotAllowedOnTheWire) {
  for (const int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    const auto frame = clientFrame(Opcode::close, closePayload(static_cast<std::uint16_t>(code), ""));
    EXPECT_EQ(errorCodeFor(frame), close_code::protocolError) << code;
  }
}

TEST(FrameDecoderTest, AcceptsCloseCodesAllowedOnTheWire) {
  for (const int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999}) {
    const auto frame = clientFrame(Opcode::close, closePayload(static_cast<std::uint16_t>(code), "why"));
    EXPECT_EQ(errorCodeFor(frame), std::nullopt) << code;
  }
}

TEST(FrameDecoderTest, RefusesACloseReasonThatIsNotUtf8) {
  std::string body = closePayload(close_code::normal, "");
  body += "\xED\xA0\x80";
  EXPECT_EQ(errorCodeFor(clientFrame(Opcode::close, body)), close_code::invalidPayload);
}

TEST(FrameDecoderTest, DecodesNothingMoreAfterAnError) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(encodeFrame(Opcode::text, "unmasked"));
  EXPECT_FALSE(decoder.next());
  ASSERT_TRUE(decoder.error());
  decoder.feed(clientFrame(Opcode::text, "valid"));
  EXPECT_FALSE(decoder.next());
  EXPECT_EQ(decoder.error()->closeCode, close_code::protocolError);
  EXPECT_EQ(decoder.buffered(), 0U);
}

TEST(FrameDecoderTest, ReturnsMessagesDecodedBeforeAnError) {
  FrameDecoder decoder(Peer::client, kMaxMessage);
  decoder.feed(clientFrame(Opcode::text, "ok") + encodeFrame(Opcode::text, "unmasked"));
  auto message = decoder.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->payload, "ok");
  EXPECT_FALSE(decoder.next());
  EXPECT_TRUE(decoder.error());
}

// ---- encoding ------------------------------------------------------------------------------------------

TEST(FrameEncoderTest, EncodesTheRfcUnmaskedExample) {
  EXPECT_EQ(encodeFrame(Opcode::text, "Hello"), "\x81\x05Hello"sv);
}

TEST(FrameEncoderTest, EncodesTheRfcMaskedExample) {
  EXPECT_EQ(encodeMaskedFrame(Opcode::text, "Hello", kMaskKey), "\x81\x85\x37\xFA\x21\x3D\x7F\x9F\x4D\x51\x58"sv);
}

TEST(FrameEncoderTest, ClearsFinOnANonFinalFrame) {
  EXPECT_EQ(encodeFrame(Opcode::text, "x", false).substr(0, 2), "\x01\x01"sv);
  EXPECT_EQ(encodeFrame(Opcode::continuation, "x").substr(0, 2), "\x80\x01"sv);
}

TEST(FrameEncoderTest, UsesASevenBitLengthUpTo125) {
  const std::string frame = encodeFrame(Opcode::binary, std::string(125, 'x'));
  ASSERT_EQ(frame.size(), 2U + 125U);
  EXPECT_EQ(frame.substr(0, 2), "\x82\x7D"sv);
}

TEST(FrameEncoderTest, UsesASixteenBitLengthFrom126To65535) {
  EXPECT_EQ(encodeFrame(Opcode::binary, std::string(126, 'x')).substr(0, 4), "\x82\x7E\x00\x7E"sv);
  const std::string frame = encodeFrame(Opcode::binary, std::string(65535, 'x'));
  ASSERT_EQ(frame.size(), 4U + 65535U);
  EXPECT_EQ(frame.substr(0, 4), "\x82\x7E\xFF\xFF"sv);
}

TEST(FrameEncoderTest, UsesASixtyFourBitLengthAbove65535) {
  const std::string frame = encodeFrame(Opcode::binary, std::string(65536, 'x'));
  ASSERT_EQ(frame.size(), 10U + 65536U);
  EXPECT_EQ(frame.substr(0, 10), "\x82\x7F\x00\x00\x00\x00\x00\x01\x00\x00"sv);
}

TEST(FrameEncoderTest, PutsTheMaskKeyAfterTheExtendedLength) {
  const std::string frame = encodeMaskedFrame(Opcode::binary, std::string(126, '\0'), 0x01020304);
  ASSERT_EQ(frame.size(), 8U + 126U);
  EXPECT_EQ(frame.substr(0, 8), "\x82\xFE\x00\x7E\x01\x02\x03\x04"sv);
  EXPECT_EQ(frame.substr(8, 5), "\x01\x02\x03\x04\x01"sv);  // zeros masked are the key itself
}

TEST(FrameEncoderTest, EncodesAClosePayloadWithTheCodeInNetworkOrder) {
  EXPECT_EQ(closePayload(1000, "bye"),
            "\x03\xE8"
            "bye"sv);
  EXPECT_EQ(closePayload(4999, ""), "\x13\x87"sv);
}

TEST(FrameEncoderTest, ReadsTheCodeOfAClosePayload) {
  EXPECT_EQ(closeCodeOf(closePayload(close_code::messageTooBig, "too big")), close_code::messageTooBig);
  EXPECT_EQ(closeCodeOf("\x0F\xA0"sv), 4000);
  EXPECT_EQ(closeCodeOf(""), close_code::noStatus);
}

TEST(FrameEncoderTest, TruncatesACloseReasonTo123Bytes) {
  const std::string body = closePayload(close_code::normal, std::string(200, 'r'));
  EXPECT_EQ(body.size(), 2U + 123U);
}

TEST(FrameEncoderTest, TruncatesACloseReasonOnACharacterBoundary) {
  const std::string reason = std::string(122, 'r') + "€";  // "€" would occupy bytes 122..124
  const std::string body = closePayload(close_code::normal, reason);
  EXPECT_EQ(body.substr(2), std::string(122, 'r'));
  EXPECT_TRUE(validUtf8(body.substr(2)));

  const std::string fits = std::string(120, 'r') + "€";  // exactly 123 bytes: kept whole
  EXPECT_EQ(closePayload(close_code::normal, fits).substr(2), fits);
}

// ---- UTF-8 ---------------------------------------------------------------------------------------------

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const std::string_view text : {""sv, "plain ascii"sv, "€"sv, "𝄞"sv, "héllo wörld"sv, "日本語"sv, "\0nul"sv,
                                      "\x7F"sv, "\xC2\x80"sv, "\xDF\xBF"sv, "\xE0\xA0\x80"sv, "\xED\x9F\xBF"sv,
                                      "\xEE\x80\x80"sv, "\xEF\xBF\xBF"sv, "\xF0\x90\x80\x80"sv, "\xF4\x8F\xBF\xBF"sv}) {
    EXPECT_TRUE(validUtf8(text)) << testing::PrintToString(text);
  }
}

TEST(Utf8Test, RefusesMalformedText) {
  for (const std::string_view text : {
           "\xC0\xAF"sv,          // overlong '/'
           "\xC1\xBF"sv,          // overlong
           "\xE0\x9F\xBF"sv,      // overlong three-byte
           "\xF0\x8F\xBF\xBF"sv,  // overlong four-byte
           "\xED\xA0\x80"sv,      // surrogate D800
           "\xED\xBF\xBF"sv,      // surrogate DFFF
           "\xF4\x90\x80\x80"sv,  // U+110000
           "\xF5\x80\x80\x80"sv,  // lead byte beyond U+10FFFF
           "\xE2\x82"sv,          // truncated "€"
           "\xF0\x9D\x84"sv,      // truncated "𝄞"
           "\x80"sv,              // lone continuation
           "\xC2\x41"sv,          // continuation missing
           "\xE2\x82\x41"sv,      // last continuation missing
           "\xFF"sv,
       }) {
    EXPECT_FALSE(validUtf8(text)) << testing::PrintToString(text);
  }
}

// The bytes after the view would complete the character: the check must stop at the view's end.
TEST(Utf8Test, RefusesACharacterTruncatedByTheEndOfTheView) {
  const std::string_view euro = "\xE2\x82\xAC"sv;
  EXPECT_FALSE(validUtf8(euro.substr(0, 2)));
  const std::string_view clef = "abcdefgh\xF0\x9D\x84\x9E"sv;
  EXPECT_FALSE(validUtf8(clef.substr(0, 11)));
}

// The ASCII fast path reads eight bytes at a time: a character at any offset, or straddling a word, must be
// checked as carefully as at the start.
TEST(Utf8Test, ChecksMultiByteCharactersAtEveryOffsetInLongAscii) {
  for (std::size_t offset = 0; offset < 24; ++offset) {
    const std::string prefix(offset, 'a');
    const std::string suffix(17, 'z');
    EXPECT_TRUE(validUtf8(prefix + "€" + suffix)) << offset;
    EXPECT_TRUE(validUtf8(prefix + "𝄞" + suffix + "é")) << offset;
    EXPECT_FALSE(validUtf8(prefix + "\xED\xA0\x80" + suffix)) << offset;
    EXPECT_FALSE(validUtf8(prefix + "\xC0\xAF" + suffix)) << offset;
    EXPECT_FALSE(validUtf8(prefix + "\x80" + suffix)) << offset;
    EXPECT_FALSE(validUtf8(prefix + suffix + "\xE2\x82")) << offset;
  }
}

// ---- handshake -----------------------------------------------------------------------------------------

TEST(AcceptKeyTest, MatchesTheRfcExample) {
  EXPECT_EQ(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(AcceptKeyTest, DependsOnTheKey) {
  EXPECT_NE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), acceptKey("AAAAAAAAAAAAAAAAAAAAAA=="));
  EXPECT_EQ(acceptKey("AAAAAAAAAAAAAAAAAAAAAA==").size(), 28U);
}

}  // namespace
}  // namespace monti::realtime::ws
