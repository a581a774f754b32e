// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/psi.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "onair/format/mpegts/ts_packet.h"

namespace onair::format::mpegts {
namespace {

using Bytes = std::vector<uint8_t>;

std::span<const uint8_t> AsBytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Bytes Padded(Bytes head) {
    head.resize(188, 0xFF);
    return head;
}

TEST(Crc32Mpeg2, CheckValue) {
    // The catalogued check value of CRC-32/MPEG-2 over "123456789".
    EXPECT_EQ(Crc32Mpeg2(AsBytes("123456789")), 0x0376E6E7u);
    EXPECT_EQ(Crc32Mpeg2({}), 0xFFFFFFFFu);
}

TEST(Crc32Mpeg2, SectionWithItsCrcChecksToZero) {
    Bytes section;
    WritePatSection(Pat{}, section);
    EXPECT_EQ(Crc32Mpeg2(section), 0u);
}

// The PAT ffmpeg writes (transport_stream_id 1, program 1 on PID 0x1000),
// copied from `ffmpeg -f lavfi -i testsrc2 -t 1 -c:v libx264 -f mpegts`.
TEST(Psi, PatMatchesFfmpegByteForByte) {
    Bytes section;
    WritePatSection(Pat{}, section);
    EXPECT_EQ(section, (Bytes{0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0x2A, 0xB1,
                              0x04, 0xB2}));
    Bytes packet;
    ASSERT_TRUE(WriteSectionPacket(kPatPid, 0, section, packet));
    EXPECT_EQ(packet, Padded({0x47, 0x40, 0x00, 0x10, 0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00,
                              0x01, 0xF0, 0x00, 0x2A, 0xB1, 0x04, 0xB2}));
}

// ffmpeg's PMT for H.264 on 0x100 (the PCR PID) and AAC on 0x101.
TEST(Psi, PmtMatchesFfmpegByteForByte) {
    Pmt pmt;
    pmt.pcr_pid = 0x100;
    pmt.streams = {{kStreamTypeH264, 0x100}, {kStreamTypeAacAdts, 0x101}};
    Bytes section;
    WritePmtSection(pmt, section);
    EXPECT_EQ(section, (Bytes{0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1, 0x00, 0xF0, 0x00, 0x1B, 0xE1,
                              0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x00, 0x2F, 0x44, 0xB9, 0x9B}));
    Bytes packet;
    ASSERT_TRUE(WriteSectionPacket(0x1000, 0, section, packet));
    EXPECT_EQ(packet, Padded({0x47, 0x50, 0x00, 0x10, 0x00, 0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1,
                              0x00, 0xF0, 0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x00, 0x2F,
                              0x44, 0xB9, 0x9B}));
}

TEST(Psi, VersionAndContinuityCounterBits) {
    Pmt pmt;
    pmt.version = 31;
    pmt.pcr_pid = 0x101;
    pmt.streams = {{kStreamTypeAacAdts, 0x101}};
    Bytes section;
    WritePmtSection(pmt, section);
    EXPECT_EQ(section[5], 0xFF);  // reserved '11', version 11111, current_next_indicator 1
    EXPECT_EQ(section[2], 0x12);  // 9 + 5 per stream + 4
    EXPECT_EQ(Crc32Mpeg2(section), 0u);
    Bytes packet;
    ASSERT_TRUE(WriteSectionPacket(0x1000, 0x1F, section, packet));  // CC wraps to 4 bits
    EXPECT_EQ(packet[3], 0x1F);
}

TEST(Psi, SectionTooLongForOnePacketIsRefused) {
    Bytes section(184, 0);
    Bytes packet;
    EXPECT_FALSE(WriteSectionPacket(0x1000, 0, section, packet));
    EXPECT_TRUE(packet.empty());
    section.resize(183);
    EXPECT_TRUE(WriteSectionPacket(0x1000, 0, section, packet));
    EXPECT_EQ(packet.size(), 188u);
}

}  // namespace
}  // namespace onair::format::mpegts
