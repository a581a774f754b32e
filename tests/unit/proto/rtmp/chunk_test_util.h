// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "onair/base/out_buffers.h"
#include "onair/proto/rtmp/chunk_reader.h"
#include "support/grind.h"

namespace onair::proto::rtmp::testing {

using Bytes = std::vector<uint8_t>;

struct ReadResult {
    std::vector<Message> messages;
    base::ParseStatus last = base::ParseStatus::kNeedMore;
    base::Error error;
    uint64_t bytes_consumed = 0;
};

/// Feeds the parts in order to one fresh reader, collecting every message.
inline ReadResult ReadParts(const std::vector<std::span<const uint8_t>>& parts, const ChunkReader::Limits& limits = {}) {
    ChunkReader reader(limits);
    ReadResult r;
    for (auto in : parts) {
        while (true) {
            size_t consumed = 0;
            r.last = reader.Feed(in, consumed);
            in = in.subspan(consumed);
            if (r.last == base::ParseStatus::kMessage) {
                r.messages.push_back(reader.TakeMessage());
                continue;
            }
            if (r.last == base::ParseStatus::kError) {
                r.error = reader.error();
                r.bytes_consumed = reader.bytes_consumed();
                return r;
            }
            EXPECT_TRUE(in.empty()) << "kNeedMore must consume everything";
            break;
        }
    }
    r.bytes_consumed = reader.bytes_consumed();
    return r;
}

inline ReadResult ReadAll(std::span<const uint8_t> bytes, const ChunkReader::Limits& limits = {}) {
    return ReadParts({bytes}, limits);
}

inline std::string Describe(const Message& m) {
    return "type " + std::to_string(m.type) + " ts " + std::to_string(m.timestamp) + " sid " +
           std::to_string(m.stream_id) + " csid " + std::to_string(m.csid) + " len " +
           std::to_string(m.payload.size());
}

inline void ExpectSameMessages(const std::vector<Message>& a, const std::vector<Message>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE("message " + std::to_string(i));
        EXPECT_EQ(a[i].type, b[i].type);
        EXPECT_EQ(a[i].timestamp, b[i].timestamp);
        EXPECT_EQ(a[i].stream_id, b[i].stream_id);
        EXPECT_EQ(a[i].csid, b[i].csid);
        EXPECT_EQ(a[i].payload.view(), b[i].payload.view());
    }
}

/// Every split of `bytes` in two (and byte-at-a-time) yields the same
/// messages and final status as the whole input.
inline void ExpectSplitInvariant(std::span<const uint8_t> bytes, const ChunkReader::Limits& limits = {}) {
    const ReadResult whole = ReadAll(bytes, limits);
    test::ForEachSplit(bytes, [&](const std::vector<std::span<const uint8_t>>& parts) {
        const ReadResult split = ReadParts(parts, limits);
        ExpectSameMessages(split.messages, whole.messages);
        EXPECT_EQ(split.last == base::ParseStatus::kError, whole.last == base::ParseStatus::kError);
    });
    const ReadResult bytewise = ReadParts(test::OneByteChunks(bytes), limits);
    ExpectSameMessages(bytewise.messages, whole.messages);
}

inline Bytes Payload(size_t n, uint8_t seed) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 31);
    return b;
}

inline void Append(Bytes& out, std::initializer_list<uint8_t> bytes) { out.insert(out.end(), bytes); }
inline void Append(Bytes& out, const Bytes& bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
inline void Append(Bytes& out, const Bytes& bytes, size_t off, size_t n) {
    out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(off),
               bytes.begin() + static_cast<std::ptrdiff_t>(off + n));
}

// RTMP spec §5.3.2.1, example 1: four audio messages on one stream,
// chunk headers of type 0, 2, 3, 3.
inline Bytes SpecExample1(const Bytes& payload) {
    Bytes b;
    Append(b, {0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x20, 0x08, 0x39, 0x30, 0x00, 0x00});  // ts 1000, sid 12345
    Append(b, payload);
    Append(b, {0x83, 0x00, 0x00, 0x14});  // delta 20
    Append(b, payload);
    Append(b, {0xC3});
    Append(b, payload);
    Append(b, {0xC3});
    Append(b, payload);
    return b;
}

// RTMP spec §5.3.2.2, example 2: one 307-byte video message in 128-byte chunks.
inline Bytes SpecExample2(const Bytes& payload) {
    Bytes b;
    Append(b, {0x04, 0x00, 0x03, 0xE8, 0x00, 0x01, 0x33, 0x09, 0x3A, 0x30, 0x00, 0x00});  // ts 1000, sid 12346
    Append(b, payload, 0, 128);
    Append(b, {0xC4});
    Append(b, payload, 128, 128);
    Append(b, {0xC4});
    Append(b, payload, 256, 51);
    return b;
}


}  // namespace onair::proto::rtmp::testing
