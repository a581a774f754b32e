// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/ts_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace onair::format::mpegts {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Write(const PacketFields& f, const Bytes& payload, size_t* taken = nullptr) {
    PayloadChain chain;
    chain.Append(payload);
    Bytes out;
    const size_t n = WritePacket(f, chain, out);
    if (taken) *taken = n;
    EXPECT_EQ(out.size(), kPacketSize);
    EXPECT_EQ(chain.remaining(), payload.size() - n);
    return out;
}

Bytes Counting(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i);
    return b;
}

TEST(TsPacket, HeaderBits) {
    PacketFields f;
    f.pid = 0x1ABC;
    f.payload_unit_start = true;
    f.continuity_counter = 0x1D;  // only the low 4 bits count
    size_t taken = 0;
    const Bytes payload = Counting(300);
    const Bytes p = Write(f, payload, &taken);
    EXPECT_EQ(taken, 184u);
    EXPECT_EQ(p[0], 0x47);
    EXPECT_EQ(p[1], 0x5A);  // TEI 0, PUSI 1, priority 0, PID high 5 bits 11010
    EXPECT_EQ(p[2], 0xBC);
    EXPECT_EQ(p[3], 0x1D);  // not scrambled, payload only ('01'), CC 13
    EXPECT_EQ(Bytes(p.begin() + 4, p.end()), Bytes(payload.begin(), payload.begin() + 184));
}

TEST(TsPacket, OneByteShortIsAZeroLengthAdaptationField) {
    PacketFields f;
    f.pid = 0x100;
    const Bytes p = Write(f, Counting(183));
    EXPECT_EQ(p[3], 0x30);  // adaptation field and payload
    EXPECT_EQ(p[4], 0x00);  // adaptation_field_length 0: the single stuffing byte
    EXPECT_EQ(p[5], 0x00);  // payload starts here
    EXPECT_EQ(p[187], 182);
}

TEST(TsPacket, TwoBytesShortHasFlagsAndNoStuffing) {
    PacketFields f;
    f.pid = 0x100;
    const Bytes p = Write(f, Counting(182));
    EXPECT_EQ(p[4], 0x01);
    EXPECT_EQ(p[5], 0x00);  // no flags
    EXPECT_EQ(p[6], 0x00);  // first payload byte
}

TEST(TsPacket, ShortPayloadIsStuffedInTheAdaptationField) {
    PacketFields f;
    f.pid = 0x101;
    f.continuity_counter = 7;
    const Bytes p = Write(f, Bytes{0xAA, 0xBB, 0xCC});
    EXPECT_EQ(p[3], 0x37);
    EXPECT_EQ(p[4], 180);  // 184 - 3 payload - 1 length byte
    EXPECT_EQ(p[5], 0x00);
    for (size_t i = 6; i < 185; ++i) {
        ASSERT_EQ(p[i], 0xFF) << i;
    }
    EXPECT_EQ(p[185], 0xAA);
    EXPECT_EQ(p[187], 0xCC);
}

// The first video packet ffmpeg writes: RAI + PCR (63000 = 0.7 s), copied
// from `ffmpeg ... -f mpegts`.
TEST(TsPacket, RandomAccessAndPcrMatchFfmpeg) {
    PacketFields f;
    f.pid = 0x100;
    f.payload_unit_start = true;
    f.random_access = true;
    f.pcr = 63000;
    size_t taken = 0;
    const Bytes p = Write(f, Counting(400), &taken);
    EXPECT_EQ(taken, 176u);
    EXPECT_EQ(Bytes(p.begin(), p.begin() + 12),
              (Bytes{0x47, 0x41, 0x00, 0x30, 0x07, 0x50, 0x00, 0x00, 0x7B, 0x0C, 0x7E, 0x00}));
    EXPECT_EQ(p[12], 0x00);
}

TEST(TsPacket, PcrBitLayout) {
    uint8_t b[6];
    WritePcr((int64_t{1} << 33) - 1, 0x1FF, b);
    EXPECT_EQ(Bytes(b, b + 6), (Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
    WritePcr(1, 0, b);
    EXPECT_EQ(Bytes(b, b + 6), (Bytes{0x00, 0x00, 0x00, 0x00, 0xFE, 0x00}));
    WritePcr(kTimestampModulus + 2, 0x100, b);  // wraps mod 2^33
    EXPECT_EQ(Bytes(b, b + 6), (Bytes{0x00, 0x00, 0x00, 0x01, 0x7F, 0x00}));
    WritePcr(-1, 0, b);
    EXPECT_EQ(Bytes(b, b + 6), (Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x00}));
}

TEST(TsPacket, PcrOnlyPacketHasNoPayload) {
    PacketFields f;
    f.pid = 0x100;
    f.continuity_counter = 4;
    f.pcr = 90000;
    f.discontinuity = true;
    const Bytes p = Write(f, Bytes{});
    EXPECT_EQ(p[1], 0x01);
    EXPECT_EQ(p[3], 0x24);  // adaptation field only ('10'), CC 4
    EXPECT_EQ(p[4], 183);
    EXPECT_EQ(p[5], 0x90);  // discontinuity_indicator + PCR_flag
    for (size_t i = 12; i < 188; ++i) {
        ASSERT_EQ(p[i], 0xFF) << i;
    }
}

TEST(TsPacket, RandomAccessWithShortPayloadKeepsFlagsBeforeStuffing) {
    PacketFields f;
    f.pid = 0x101;
    f.random_access = true;
    const Bytes p = Write(f, Bytes{1, 2});
    EXPECT_EQ(p[4], 181);
    EXPECT_EQ(p[5], 0x40);
    EXPECT_EQ(p[6], 0xFF);
    EXPECT_EQ(p[186], 1);
    EXPECT_EQ(p[187], 2);
}

TEST(PayloadChain, CopiesAcrossPieces) {
    const Bytes a{1, 2, 3}, b{4}, c{5, 6, 7, 8};
    PayloadChain chain;
    chain.Append(a);
    chain.Append({});
    chain.Append(b);
    chain.Append(c);
    EXPECT_EQ(chain.remaining(), 8u);
    Bytes out;
    EXPECT_EQ(chain.CopyTo(2, out), 2u);
    EXPECT_EQ(chain.CopyTo(3, out), 3u);
    EXPECT_EQ(chain.CopyTo(10, out), 3u);
    EXPECT_TRUE(chain.empty());
    EXPECT_EQ(out, (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(chain.CopyTo(1, out), 0u);
}

}  // namespace
}  // namespace onair::format::mpegts
