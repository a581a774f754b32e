// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/chunk_reader.h"

#include <gtest/gtest.h>

#include "unit/proto/rtmp/chunk_test_util.h"

namespace onair::proto::rtmp {
namespace {

using testing::Append;
using testing::Bytes;
using testing::ExpectSplitInvariant;
using testing::Payload;
using testing::ReadAll;
using testing::SpecExample1;
using testing::SpecExample2;

TEST(ChunkReader, SpecExample1TypeZeroTwoThree) {
    const Bytes payload = Payload(32, 1);
    const Bytes bytes = SpecExample1(payload);
    auto r = ReadAll(bytes);
    ASSERT_EQ(r.messages.size(), 4u);
    const uint32_t expected_ts[] = {1000, 1020, 1040, 1060};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(r.messages[i].type, kAudio);
        EXPECT_EQ(r.messages[i].timestamp, expected_ts[i]);
        EXPECT_EQ(r.messages[i].stream_id, 12345u);
        EXPECT_EQ(r.messages[i].csid, 3u);
        EXPECT_EQ(Bytes(r.messages[i].payload.span().begin(), r.messages[i].payload.span().end()), payload);
    }
    EXPECT_EQ(r.bytes_consumed, bytes.size());
    ExpectSplitInvariant(bytes);
}

TEST(ChunkReader, SpecExample2ContinuationChunks) {
    const Bytes payload = Payload(307, 7);
    const Bytes bytes = SpecExample2(payload);
    auto r = ReadAll(bytes);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].type, kVideo);
    EXPECT_EQ(r.messages[0].timestamp, 1000u);
    EXPECT_EQ(r.messages[0].stream_id, 12346u);
    EXPECT_EQ(Bytes(r.messages[0].payload.span().begin(), r.messages[0].payload.span().end()), payload);
    ExpectSplitInvariant(bytes);
}

TEST(ChunkReader, TypeOneChangesLengthAndType) {
    Bytes b;
    Append(b, {0x05, 0x00, 0x00, 0x10, 0x00, 0x00, 0x02, 0x12, 0x01, 0x00, 0x00, 0x00, 0xAA, 0xBB});
    Append(b, {0x45, 0x00, 0x00, 0x05, 0x00, 0x00, 0x03, 0x14, 0x01, 0x02, 0x03});  // fmt 1: +5, len 3, type 20
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].type, kDataAmf0);
    EXPECT_EQ(r.messages[0].timestamp, 16u);
    EXPECT_EQ(r.messages[1].type, kCommandAmf0);
    EXPECT_EQ(r.messages[1].timestamp, 21u);
    EXPECT_EQ(r.messages[1].stream_id, 1u);  // kept from the type-0 header
    EXPECT_EQ(r.messages[1].payload.size(), 3u);
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, TypeThreeAfterTypeZeroRepeatsItsTimestampAsDelta) {
    // §5.3.1.2.4: a type-3 chunk after a type-0 chunk uses the type-0
    // timestamp as its delta.
    Bytes b;
    Append(b, {0x03, 0x00, 0x00, 0x64, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x11});  // ts 100
    Append(b, {0xC3, 0x22});
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[1].timestamp, 200u);
}

TEST(ChunkReader, BasicHeaderForms) {
    struct Form {
        Bytes basic;
        uint32_t csid;
    };
    const Form forms[] = {
        {{0x02}, 2}, {{0x3F}, 63}, {{0x00, 0x00}, 64}, {{0x00, 0xFF}, 319}, {{0x01, 0x00, 0x01}, 320},
        {{0x01, 0xFF, 0xFF}, 65599},
    };
    for (const auto& f : forms) {
        SCOPED_TRACE(f.csid);
        Bytes b = f.basic;
        Append(b, {0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x5A});
        // The same chunk stream again with a 1-byte type-3 header.
        Bytes cont = f.basic;
        cont[0] |= 0xC0;
        Append(b, cont);
        Append(b, {0x5B});
        auto r = ReadAll(b);
        ASSERT_EQ(r.messages.size(), 2u);
        EXPECT_EQ(r.messages[0].csid, f.csid);
        EXPECT_EQ(r.messages[1].csid, f.csid);
        EXPECT_EQ(r.messages[1].payload[0], 0x5B);
        ExpectSplitInvariant(b);
    }
}

TEST(ChunkReader, ExtendedTimestampRepeatedOnTypeThreeChunks) {
    const Bytes payload = Payload(300, 3);
    Bytes b;
    // ts 0x01000000 (> 0xFFFFFF): field 0xFFFFFF then 4 extended bytes on every chunk.
    Append(b, {0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0x2C, 0x09, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00});
    Append(b, payload, 0, 128);
    Append(b, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(b, payload, 128, 128);
    Append(b, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(b, payload, 256, 44);
    // Next message on the same csid, type 3: the delta (0x01000000) repeats,
    // with its extended field.
    Append(b, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(b, payload, 0, 128);
    Append(b, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(b, payload, 128, 128);
    Append(b, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(b, payload, 256, 44);
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].timestamp, 0x01000000u);
    EXPECT_EQ(r.messages[1].timestamp, 0x02000000u);
    EXPECT_EQ(r.messages[0].payload.view(), std::string_view(reinterpret_cast<const char*>(payload.data()), 300));
    EXPECT_EQ(r.messages[1].payload.view(), r.messages[0].payload.view());
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, ExtendedDeltaOnTypeTwo) {
    Bytes b;
    Append(b, {0x04, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x08, 0x01, 0x00, 0x00, 0x00, 0x01});  // ts 10
    Append(b, {0x84, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0x02});  // delta 0x00FFFFFF via extended
    Append(b, {0x84, 0x00, 0x00, 0x01, 0x03});                          // delta 1: no extended any more
    Append(b, {0xC4, 0x04});                                            // type 3 repeats delta 1
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 4u);
    EXPECT_EQ(r.messages[1].timestamp, 10u + 0xFFFFFF);
    EXPECT_EQ(r.messages[2].timestamp, 11u + 0xFFFFFF);
    EXPECT_EQ(r.messages[3].timestamp, 12u + 0xFFFFFF);
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, ToleratesPeersThatOmitTheRepeatedExtendedTimestamp) {
    // Continuation chunks without the 4 extended bytes (as SRS tolerates).
    const Bytes payload = Payload(200, 9);
    Bytes b;
    Append(b, {0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC8, 0x09, 0x01, 0x00, 0x00, 0x00, 0x7F, 0x00, 0x00, 0x01});
    Append(b, payload, 0, 128);
    Append(b, {0xC6});
    Append(b, payload, 128, 72);
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].timestamp, 0x7F000001u);
    EXPECT_EQ(r.messages[0].payload.view(), std::string_view(reinterpret_cast<const char*>(payload.data()), 200));
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, InterleavedChunkStreams) {
    const Bytes video = Payload(300, 1);
    const Bytes audio = Payload(200, 2);
    Bytes b;
    Append(b, {0x07, 0x00, 0x00, 0x21, 0x00, 0x01, 0x2C, 0x09, 0x01, 0x00, 0x00, 0x00});  // video ts 33
    Append(b, video, 0, 128);
    Append(b, {0x06, 0x00, 0x00, 0x17, 0x00, 0x00, 0xC8, 0x08, 0x01, 0x00, 0x00, 0x00});  // audio ts 23
    Append(b, audio, 0, 128);
    Append(b, {0xC7});
    Append(b, video, 128, 128);
    Append(b, {0xC6});
    Append(b, audio, 128, 72);  // audio completes first
    Append(b, {0xC7});
    Append(b, video, 256, 44);
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].type, kAudio);
    EXPECT_EQ(r.messages[0].timestamp, 23u);
    EXPECT_EQ(r.messages[0].payload.view(), std::string_view(reinterpret_cast<const char*>(audio.data()), 200));
    EXPECT_EQ(r.messages[1].type, kVideo);
    EXPECT_EQ(r.messages[1].timestamp, 33u);
    EXPECT_EQ(r.messages[1].payload.view(), std::string_view(reinterpret_cast<const char*>(video.data()), 300));
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, SetChunkSizeAppliesMidStream) {
    const Bytes big = Payload(1000, 5);
    Bytes b;
    Append(b, {0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00});
    Append(b, {0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8, 0x09, 0x01, 0x00, 0x00, 0x00});
    Append(b, big);  // one 1000-byte chunk under the 4096 chunk size
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].type, kSetChunkSize);  // still returned
    EXPECT_EQ(r.messages[1].payload.size(), 1000u);
    ExpectSplitInvariant(b);
    ChunkReader reader;
    size_t consumed = 0;
    EXPECT_EQ(reader.Feed(b, consumed), base::ParseStatus::kMessage);
    EXPECT_EQ(reader.chunk_size(), 4096u);
}

TEST(ChunkReader, SetChunkSizeValidation) {
    auto chunk_size_message = [](std::initializer_list<uint8_t> value) {
        Bytes b{0x02, 0x00, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(value.size()), 0x01, 0, 0, 0, 0};
        b.insert(b.end(), value);
        return b;
    };
    EXPECT_EQ(ReadAll(chunk_size_message({0, 0, 0, 0})).last, base::ParseStatus::kError);
    EXPECT_EQ(ReadAll(chunk_size_message({0x80, 0, 0x10, 0})).last, base::ParseStatus::kError);
    EXPECT_EQ(ReadAll(chunk_size_message({0, 0, 1})).last, base::ParseStatus::kError);
    // 31-bit values are legal; anything from 2^24 up is capped there.
    ChunkReader reader;
    size_t consumed = 0;
    EXPECT_EQ(reader.Feed(chunk_size_message({0x7F, 0xFF, 0xFF, 0xFF}), consumed), base::ParseStatus::kMessage);
    EXPECT_EQ(reader.chunk_size(), 1u << 24);
    ChunkReader one;
    EXPECT_EQ(one.Feed(chunk_size_message({0, 0, 0, 1}), consumed), base::ParseStatus::kMessage);
    EXPECT_EQ(one.chunk_size(), 1u);
}

TEST(ChunkReader, AbortDiscardsThePartialMessage) {
    const Bytes first = Payload(300, 1);
    const Bytes second = Payload(20, 2);
    Bytes b;
    Append(b, {0x06, 0x00, 0x00, 0x01, 0x00, 0x01, 0x2C, 0x09, 0x01, 0x00, 0x00, 0x00});
    Append(b, first, 0, 128);
    Append(b, {0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06});
    // After the abort, a type-3 chunk starts a new 300-byte message (same header).
    Append(b, {0xC6});
    Append(b, first, 0, 128);
    Append(b, {0xC6});
    Append(b, first, 128, 128);
    Append(b, {0xC6});
    Append(b, first, 256, 44);
    Append(b, {0x46, 0x00, 0x00, 0x01, 0x00, 0x00, 0x14, 0x09});
    Append(b, second);
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 3u);
    EXPECT_EQ(r.messages[0].type, kAbort);
    EXPECT_EQ(r.messages[1].payload.size(), 300u);
    EXPECT_EQ(r.messages[1].timestamp, 2u);  // delta 1 repeated
    EXPECT_EQ(r.messages[2].payload.size(), 20u);
    EXPECT_EQ(r.messages[2].timestamp, 3u);
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, NewHeaderMidMessageRestartsIt) {
    Bytes b;
    Append(b, {0x06, 0x00, 0x00, 0x01, 0x00, 0x01, 0x2C, 0x09, 0x01, 0x00, 0x00, 0x00});
    Append(b, Payload(128, 1));
    Append(b, {0x06, 0x00, 0x00, 0x05, 0x00, 0x00, 0x02, 0x09, 0x01, 0x00, 0x00, 0x00, 0xAB, 0xCD});
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].timestamp, 5u);
    EXPECT_EQ(r.messages[0].payload.size(), 2u);
}

TEST(ChunkReader, ZeroLengthMessage) {
    Bytes b{0x03, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0xC3};
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_TRUE(r.messages[0].payload.empty());
    EXPECT_EQ(r.messages[1].timestamp, 14u);
    ExpectSplitInvariant(b);
}

TEST(ChunkReader, TimestampsWrapAt32Bits) {
    Bytes b;
    Append(b, {0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x08, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xF0, 0x01});
    Append(b, {0x84, 0x00, 0x00, 0x20, 0x02});
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 2u);
    EXPECT_EQ(r.messages[0].timestamp, 0xFFFFFFF0u);
    EXPECT_EQ(r.messages[1].timestamp, 0x10u);
}

TEST(ChunkReader, MessageSizeLimit) {
    ChunkReader::Limits limits;
    limits.max_message_size = 1000;
    Bytes ok{0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8, 0x09, 0x01, 0x00, 0x00, 0x00};
    Bytes too_big{0x04, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE9, 0x09, 0x01, 0x00, 0x00, 0x00};
    EXPECT_EQ(ReadAll(ok, limits).last, base::ParseStatus::kNeedMore);
    auto r = ReadAll(too_big, limits);
    EXPECT_EQ(r.last, base::ParseStatus::kError);
    EXPECT_EQ(r.error.code, base::ErrorCode::kLimitExceeded);
    // The default 16 MiB allows the largest length a header can carry; a
    // type-1 header cannot sneak a larger one past a smaller limit either.
    Bytes type1{0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00, 0xAA,
                0x44, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE9, 0x09};
    EXPECT_EQ(ReadAll(type1, limits).error.code, base::ErrorCode::kLimitExceeded);
    ExpectSplitInvariant(too_big, limits);
}

TEST(ChunkReader, ChunkStreamLimit) {
    ChunkReader::Limits limits;
    limits.max_chunk_streams = 3;
    Bytes b;
    for (uint8_t csid = 3; csid <= 6; ++csid) {
        Append(b, {csid, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x00, 0x00, 0x00, 0x00});
    }
    auto r = ReadAll(b, limits);
    EXPECT_EQ(r.messages.size(), 3u);
    EXPECT_EQ(r.last, base::ParseStatus::kError);
    EXPECT_EQ(r.error.code, base::ErrorCode::kLimitExceeded);
    ExpectSplitInvariant(b, limits);
}

TEST(ChunkReader, RejectsCompressedHeadersOnUnknownChunkStreams) {
    for (uint8_t first : {uint8_t{0x83}, uint8_t{0xC3}}) {
        Bytes b{first, 0x00, 0x00, 0x01, 0x00};
        auto r = ReadAll(b);
        EXPECT_EQ(r.last, base::ParseStatus::kError);
        EXPECT_EQ(r.error.code, base::ErrorCode::kInvalidData);
    }
    // A type-1 header on a new chunk stream is accepted (message stream 0).
    Bytes b{0x43, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x14, 0x05};
    auto r = ReadAll(b);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].stream_id, 0u);
}

TEST(ChunkReader, StaysFailedAfterAnError) {
    ChunkReader reader;
    size_t consumed = 0;
    const Bytes bad{0xC3};
    EXPECT_EQ(reader.Feed(bad, consumed), base::ParseStatus::kError);
    const Bytes good{0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00};
    EXPECT_EQ(reader.Feed(good, consumed), base::ParseStatus::kError);
    EXPECT_EQ(consumed, 0u);
}

TEST(ChunkReader, CountsConsumedBytes) {
    const Bytes bytes = SpecExample1(Payload(32, 1));
    ChunkReader reader;
    std::span<const uint8_t> in(bytes);
    size_t consumed = 0;
    ASSERT_EQ(reader.Feed(in, consumed), base::ParseStatus::kMessage);
    EXPECT_EQ(consumed, 12u + 32u);  // stops right after the first message
    EXPECT_EQ(reader.bytes_consumed(), 44u);
}

}  // namespace
}  // namespace onair::proto::rtmp
