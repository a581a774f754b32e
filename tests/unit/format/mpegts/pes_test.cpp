// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/pes.h"

#include <gtest/gtest.h>

#include <vector>

#include "onair/format/mpegts/ts_packet.h"

namespace onair::format::mpegts {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes ToBytes(const PesHeaderBytes& h) { return Bytes(h.span().begin(), h.span().end()); }

// The first video PES header ffmpeg writes for a stream with B-frames:
// PTS 1.6 s, DTS 1.4 s, unbounded length, no data_alignment_indicator.
TEST(Pes, VideoHeaderWithPtsAndDtsMatchesFfmpeg) {
    PesHeader h;
    h.stream_id = kVideoStreamId;
    h.pts = 144000;
    h.dts = 126000;
    h.bounded = false;
    h.payload_size = 377;
    h.data_alignment = false;
    EXPECT_EQ(ToBytes(WritePesHeader(h)), (Bytes{0x00, 0x00, 0x01, 0xE0, 0x00, 0x00, 0x80, 0xC0, 0x0A, 0x31, 0x00,
                                                 0x09, 0x65, 0x01, 0x11, 0x00, 0x07, 0xD8, 0x61}));
}

TEST(Pes, AudioHeaderWithPtsOnlyAndLength) {
    PesHeader h;
    h.stream_id = kAudioStreamId;
    h.pts = 141910;
    h.payload_size = 1639 - 8;
    h.data_alignment = false;
    // As ffmpeg writes it (PES_packet_length 0x0667).
    EXPECT_EQ(ToBytes(WritePesHeader(h)),
              (Bytes{0x00, 0x00, 0x01, 0xC0, 0x06, 0x67, 0x80, 0x80, 0x05, 0x21, 0x00, 0x09, 0x54, 0xAD}));
    h.data_alignment = true;
    EXPECT_EQ(WritePesHeader(h).bytes[6], 0x84);
}

TEST(Pes, TimestampBitLayout) {
    uint8_t b[5];
    WritePesTimestamp(0x2, (int64_t{1} << 33) - 1, b);
    EXPECT_EQ(Bytes(b, b + 5), (Bytes{0x2F, 0xFF, 0xFF, 0xFF, 0xFF}));
    WritePesTimestamp(0x3, 0, b);
    EXPECT_EQ(Bytes(b, b + 5), (Bytes{0x31, 0x00, 0x01, 0x00, 0x01}));
    // Bit 32 and bit 30 land in the first byte, bit 15 after the first marker.
    WritePesTimestamp(0x1, (int64_t{1} << 32) | (int64_t{1} << 30) | (int64_t{1} << 15) | 1, b);
    EXPECT_EQ(Bytes(b, b + 5), (Bytes{0x1B, 0x00, 0x03, 0x00, 0x03}));
}

TEST(Pes, TimestampsWrapModulo2To33) {
    uint8_t a[5], b[5];
    WritePesTimestamp(0x2, kTimestampModulus + 12345, a);
    WritePesTimestamp(0x2, 12345, b);
    EXPECT_EQ(Bytes(a, a + 5), Bytes(b, b + 5));
    WritePesTimestamp(0x2, -1, a);
    WritePesTimestamp(0x2, kTimestampModulus - 1, b);
    EXPECT_EQ(Bytes(a, a + 5), Bytes(b, b + 5));
}

TEST(Pes, LengthFallsBackToUnboundedWhenTooLarge) {
    PesHeader h;
    h.stream_id = kAudioStreamId;
    h.payload_size = 65535 - 8;  // exactly fits behind a PTS-only header
    auto b = WritePesHeader(h);
    EXPECT_EQ(b.bytes[4], 0xFF);
    EXPECT_EQ(b.bytes[5], 0xFF);
    h.payload_size += 1;
    b = WritePesHeader(h);
    EXPECT_EQ(b.bytes[4], 0x00);
    EXPECT_EQ(b.bytes[5], 0x00);
    EXPECT_EQ(b.size, 14u);
}

}  // namespace
}  // namespace onair::format::mpegts
