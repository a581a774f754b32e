// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/chunk_writer.h"

#include <gtest/gtest.h>

#include <array>

#include "onair/proto/rtmp/control.h"
#include "unit/proto/rtmp/chunk_test_util.h"

namespace onair::proto::rtmp {
namespace {

using testing::Append;
using testing::Bytes;
using testing::ExpectSplitInvariant;
using testing::Payload;
using testing::ReadAll;

base::SharedBuffer Shared(const Bytes& b) { return base::SharedBuffer::Copy(b); }

Bytes Write(ChunkWriter& w, uint32_t csid, uint8_t type, uint32_t ts, uint32_t sid, const Bytes& payload) {
    base::OutBuffers out;
    const auto buf = Shared(payload);
    EXPECT_TRUE(w.Write(csid, type, ts, sid, std::span(&buf, 1), out));
    return out.Flatten();
}

TEST(ChunkWriter, SpecExample1ByteExact) {
    const Bytes payload = Payload(32, 1);
    ChunkWriter w;
    Bytes all;
    for (uint32_t ts : {1000u, 1020u, 1040u, 1060u}) Append(all, Write(w, 3, kAudio, ts, 12345, payload));
    EXPECT_EQ(all, testing::SpecExample1(payload));
}

TEST(ChunkWriter, SpecExample2ByteExact) {
    const Bytes payload = Payload(307, 7);
    ChunkWriter w;
    EXPECT_EQ(Write(w, 4, kVideo, 1000, 12346, payload), testing::SpecExample2(payload));
}

TEST(ChunkWriter, ExtendedTimestampOnEveryChunk) {
    const Bytes payload = Payload(300, 3);
    ChunkWriter w;
    Bytes expected;
    Append(expected, {0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0x2C, 0x09, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00});
    Append(expected, payload, 0, 128);
    Append(expected, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(expected, payload, 128, 128);
    Append(expected, {0xC6, 0x01, 0x00, 0x00, 0x00});
    Append(expected, payload, 256, 44);
    EXPECT_EQ(Write(w, 6, kVideo, 0x01000000, 1, payload), expected);
    // Exactly 0xFFFFFF already needs the extended field (§5.3.1.3).
    ChunkWriter w2;
    const Bytes one{0x42};
    EXPECT_EQ(Write(w2, 6, kVideo, 0xFFFFFF, 1, one),
              (Bytes{0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                     0x42}));
}

TEST(ChunkWriter, BasicHeaderForms) {
    const Bytes one{0x01};
    struct Form {
        uint32_t csid;
        Bytes basic;
    };
    for (const Form& f : {Form{2, {0x02}}, Form{63, {0x3F}}, Form{64, {0x00, 0x00}}, Form{319, {0x00, 0xFF}},
                          Form{320, {0x01, 0x00, 0x01}}, Form{65599, {0x01, 0xFF, 0xFF}}}) {
        ChunkWriter w;
        const Bytes out = Write(w, f.csid, kAudio, 0, 1, one);
        EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(f.basic.size())), f.basic) << f.csid;
        auto r = ReadAll(out);
        ASSERT_EQ(r.messages.size(), 1u);
        EXPECT_EQ(r.messages[0].csid, f.csid);
    }
}

TEST(ChunkWriter, ChoosesHeaderCompression) {
    ChunkWriter w;
    struct Step {
        uint32_t ts;
        uint32_t sid;
        size_t len;
        uint8_t expected_fmt;
    };
    const Step steps[] = {
        {0, 1, 10, 0},    // first message
        {40, 1, 12, 1},   // length changed
        {80, 1, 12, 3},   // same length, same delta as the type-1 header
        {130, 1, 12, 2},  // delta changed
        {180, 1, 12, 3},  // delta repeated
        {200, 2, 12, 0},  // other message stream
        {100, 2, 12, 0},  // timestamp went backwards
        {100, 2, 12, 2},  // delta 0 (type 0 does not give a reusable delta)
    };
    Bytes all;
    for (const auto& s : steps) {
        const Bytes out = Write(w, 4, kVideo, s.ts, s.sid, Payload(s.len, 1));
        EXPECT_EQ(out[0] >> 6, s.expected_fmt) << "ts " << s.ts;
        Append(all, out);
    }
    auto r = ReadAll(all);
    ASSERT_EQ(r.messages.size(), std::size(steps));
    for (size_t i = 0; i < std::size(steps); ++i) {
        EXPECT_EQ(r.messages[i].timestamp, steps[i].ts);
        EXPECT_EQ(r.messages[i].stream_id, steps[i].sid);
        EXPECT_EQ(r.messages[i].payload.size(), steps[i].len);
    }
    ExpectSplitInvariant(all);
}

TEST(ChunkWriter, RoundTripsManySizesTimestampsAndChunkSizes) {
    const uint32_t chunk_sizes[] = {1, 2, 127, 128, 129, 4096, 65536};
    const size_t lengths[] = {0, 1, 31, 32, 127, 128, 129, 255, 256, 1000, 70000};
    const uint32_t timestamps[] = {0, 0, 33, 66, 66, 0xFFFFFE, 0xFFFFFF, 0x1000000, 0x1000021, 5, 0xFFFFFFFF, 3};
    for (uint32_t cs : chunk_sizes) {
        SCOPED_TRACE("chunk size " + std::to_string(cs));
        ChunkWriter w;
        base::OutBuffers out;
        // The peer learns the chunk size from our Set Chunk Size message.
        WriteControl(w, kSetChunkSize, SetChunkSize(cs), out);
        w.SetChunkSize(cs);
        std::vector<Message> sent;
        size_t i = 0;
        for (size_t len : lengths) {
            if (cs < 64 && len > 1000) continue;  // ~1 million one-byte chunks prove nothing more
            for (uint32_t ts : timestamps) {
                const uint32_t csid = (i % 3 == 0) ? 4 : (i % 3 == 1) ? 6 : 400;
                const uint8_t type = (i % 2) ? kVideo : kAudio;
                const uint32_t sid = 1 + static_cast<uint32_t>(i % 2);
                // Payload in up to three parts, cut at different places.
                const Bytes p = Payload(len, static_cast<uint8_t>(i));
                const size_t cut1 = len / 3;
                const size_t cut2 = len - len / 5;
                std::array<base::SharedBuffer, 3> parts{
                    base::SharedBuffer::Copy(std::span(p).first(cut1)),
                    base::SharedBuffer::Copy(std::span(p).subspan(cut1, cut2 - cut1)),
                    base::SharedBuffer::Copy(std::span(p).subspan(cut2))};
                ASSERT_TRUE(w.Write(csid, type, ts, sid, parts, out));
                sent.push_back(Message{type, ts, sid, csid, base::SharedBuffer::Copy(p)});
                ++i;
            }
        }
        const Bytes bytes = out.Flatten();
        ChunkReader::Limits limits;
        auto r = ReadAll(bytes, limits);
        ASSERT_NE(r.last, base::ParseStatus::kError) << r.error.message;
        ASSERT_EQ(r.messages.size(), sent.size() + 1);
        EXPECT_EQ(r.messages[0].type, kSetChunkSize);
        r.messages.erase(r.messages.begin());
        testing::ExpectSameMessages(r.messages, sent);
    }
}

TEST(ChunkWriter, RoundTripSurvivesEverySplit) {
    ChunkWriter w;
    base::OutBuffers out;
    const auto a = base::SharedBuffer::Copy(Payload(300, 1));
    const auto b = base::SharedBuffer::Copy(Payload(40, 2));
    w.Write(6, kAudio, 0x2000000, 1, std::span(&a, 1), out);
    w.Write(7, kVideo, 10, 1, std::span(&b, 1), out);
    w.Write(6, kAudio, 0x2000020, 1, std::span(&a, 1), out);
    w.Write(6, kAudio, 0x2000040, 1, std::span(&a, 1), out);
    const Bytes bytes = out.Flatten();
    auto r = ReadAll(bytes);
    ASSERT_EQ(r.messages.size(), 4u);
    EXPECT_EQ(r.messages[3].timestamp, 0x2000040u);
    ExpectSplitInvariant(bytes);
}

TEST(ChunkWriter, SharesPayloadBytesInsteadOfCopying) {
    ChunkWriter w;
    w.SetChunkSize(4096);
    const auto header = base::SharedBuffer::Copy(Bytes{0x17, 0x01, 0x00, 0x00, 0x00});  // FLV video tag header
    const auto nalus = base::SharedBuffer::Copy(Payload(10000, 9));
    ASSERT_EQ(nalus.use_count(), 1);
    base::OutBuffers out;
    const std::array<base::SharedBuffer, 2> parts{header, nalus};
    const long nalus_refs = nalus.use_count();
    const long header_refs = header.use_count();
    ASSERT_TRUE(w.Write(7, kVideo, 0, 1, parts, out));
    // 10005 bytes in chunks of 4096: three slices of `nalus` are referenced,
    // the 5-byte header is copied next to the chunk header.
    EXPECT_EQ(nalus.use_count(), nalus_refs + 3);
    EXPECT_EQ(header.use_count(), header_refs);
    // copy(chunk header + tag header), shared, copy(type-3 header), shared, copy, shared.
    EXPECT_EQ(out.piece_count(), 6u);
    EXPECT_EQ(out.size(), 12u + 10005 + 2);
    auto r = ReadAll(out.Flatten(), {});
    ASSERT_EQ(r.messages.size(), 0u);  // the reader still uses 128-byte chunks: not this test's point
    // Decode with a reader told about the chunk size.
    base::OutBuffers with_size;
    ChunkWriter control;
    WriteControl(control, kSetChunkSize, SetChunkSize(4096), with_size);
    Bytes all = with_size.Flatten();
    Append(all, out.Flatten());
    auto decoded = ReadAll(all);
    ASSERT_EQ(decoded.messages.size(), 2u);
    EXPECT_EQ(decoded.messages[1].payload.size(), 10005u);
    EXPECT_EQ(decoded.messages[1].payload[5], nalus[0]);
    out.Clear();
    EXPECT_EQ(nalus.use_count(), nalus_refs);
}

TEST(ChunkWriter, RejectsUnrepresentableMessages) {
    ChunkWriter w;
    base::OutBuffers out;
    const Bytes one{1};
    EXPECT_FALSE(w.Write(1, kAudio, 0, 1, std::span<const uint8_t>(one), out));
    EXPECT_FALSE(w.Write(65600, kAudio, 0, 1, std::span<const uint8_t>(one), out));
    const Bytes huge(0x1000000, 0);
    EXPECT_FALSE(w.Write(4, kAudio, 0, 1, std::span<const uint8_t>(huge), out));
    EXPECT_TRUE(out.empty());
}

TEST(ChunkWriter, ChunkSizeIsClamped) {
    ChunkWriter w;
    w.SetChunkSize(0);
    EXPECT_EQ(w.chunk_size(), 1u);
    w.SetChunkSize(0x7FFFFFFF);
    EXPECT_EQ(w.chunk_size(), kMaxChunkSize);
}

}  // namespace
}  // namespace onair::proto::rtmp
