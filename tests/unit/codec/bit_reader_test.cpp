// SPDX-License-Identifier: Apache-2.0
// BitReader: MSB-first bits and Exp-Golomb codes (ITU-T H.264 9.1), with a
// sticky failure instead of out-of-bounds reads.
#include "onair/codec/bit_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace onair::codec {
namespace {

// "0101 1" -> bytes, zero-padded at the end.
std::vector<uint8_t> FromBits(const std::string& bits) {
    std::vector<uint8_t> out((bits.size() + 7) / 8, 0);
    size_t i = 0;
    for (char c : bits) {
        if (c == ' ') continue;
        if (c == '1') out[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
        ++i;
    }
    out.resize((i + 7) / 8);
    return out;
}

TEST(BitReader, ReadsMsbFirst) {
    const std::vector<uint8_t> data{0b1010'0000, 0xff, 0x12, 0x34, 0x56, 0x78};
    BitReader br(data);
    EXPECT_EQ(br.Bit(), 1u);
    EXPECT_EQ(br.Bit(), 0u);
    EXPECT_EQ(br.Bits(2), 0b10u);
    EXPECT_EQ(br.Bits(4), 0u);
    EXPECT_EQ(br.Bits(8), 0xffu);
    EXPECT_EQ(br.Bits(32), 0x12345678u);
    EXPECT_TRUE(br.ok());
    EXPECT_EQ(br.bits_left(), 0u);
}

TEST(BitReader, ZeroBitsReadsNothing) {
    const std::vector<uint8_t> data{0xff};
    BitReader br(data);
    EXPECT_EQ(br.Bits(0), 0u);
    EXPECT_EQ(br.bits_left(), 8u);
}

TEST(BitReader, ReadingPastTheEndFailsStickily) {
    const std::vector<uint8_t> data{0xff};
    BitReader br(data);
    EXPECT_EQ(br.Bits(7), 0x7fu);
    EXPECT_TRUE(br.ok());
    (void)br.Bits(2);  // one bit short
    EXPECT_FALSE(br.ok());
    EXPECT_EQ(br.bits_left(), 0u);
    EXPECT_EQ(br.Bit(), 0u);
    EXPECT_FALSE(br.ok());
}

TEST(BitReader, EmptyInputFailsOnFirstRead) {
    BitReader br(std::span<const uint8_t>{});
    EXPECT_TRUE(br.ok());
    EXPECT_EQ(br.Bit(), 0u);
    EXPECT_FALSE(br.ok());
}

TEST(BitReader, SkipWithinAndPastTheEnd) {
    const std::vector<uint8_t> data{0x01, 0x80};
    BitReader br(data);
    br.Skip(7);
    EXPECT_EQ(br.Bit(), 1u);
    EXPECT_EQ(br.Bit(), 1u);
    br.Skip(7);
    EXPECT_TRUE(br.ok());
    EXPECT_EQ(br.bits_left(), 0u);
    br.Skip(1);
    EXPECT_FALSE(br.ok());

    BitReader huge(data);
    huge.Skip(SIZE_MAX);
    EXPECT_FALSE(huge.ok());
    EXPECT_EQ(huge.Bit(), 0u);
}

// Table 9-2: bit strings and codeNum values.
TEST(BitReader, UeCodeTable) {
    struct Case {
        const char* bits;
        uint32_t value;
    };
    const Case cases[] = {
        {"1", 0},          {"010", 1},        {"011", 2},         {"00100", 3},          {"00101", 4},
        {"00110", 5},      {"00111", 6},      {"0001000", 7},     {"0001110", 13},       {"0001111", 14},
        {"000010000", 15}, {"000011111", 30}, {"00000100000", 31}, {"000000001 11111111", 510},
    };
    for (const auto& c : cases) {
        auto bytes = FromBits(c.bits);
        BitReader br(bytes);
        EXPECT_EQ(br.Ue(), c.value) << c.bits;
        EXPECT_TRUE(br.ok()) << c.bits;
    }
}

TEST(BitReader, UeSequence) {
    // 3, 0, 7, 1 back to back: 00100 1 0001000 010
    auto bytes = FromBits("00100 1 0001000 010");
    BitReader br(bytes);
    EXPECT_EQ(br.Ue(), 3u);
    EXPECT_EQ(br.Ue(), 0u);
    EXPECT_EQ(br.Ue(), 7u);
    EXPECT_EQ(br.Ue(), 1u);
    EXPECT_TRUE(br.ok());
}

TEST(BitReader, UeLongestValidCode) {
    // 31 leading zeros, the marker, 31 one bits: 2^32 - 2, the largest
    // value a 32-bit codeNum can take.
    const std::string bits = std::string(31, '0') + "1" + std::string(31, '1');
    auto bytes = FromBits(bits);
    BitReader br(bytes);
    EXPECT_EQ(br.Ue(), 0xfffffffeu);
    EXPECT_TRUE(br.ok());

    const std::string low = std::string(31, '0') + "1" + std::string(31, '0');
    auto low_bytes = FromBits(low);
    BitReader br2(low_bytes);
    EXPECT_EQ(br2.Ue(), 0x7fffffffu);
    EXPECT_TRUE(br2.ok());
}

TEST(BitReader, UeOverLongCodeFails) {
    // 32 leading zeros cannot be a 32-bit value.
    const std::string bits = std::string(32, '0') + "1" + std::string(32, '0');
    auto bytes = FromBits(bits);
    BitReader br(bytes);
    EXPECT_EQ(br.Ue(), 0u);
    EXPECT_FALSE(br.ok());

    // All-zero input: never finds the marker bit.
    const std::vector<uint8_t> zeros(64, 0);
    BitReader br2(zeros);
    EXPECT_EQ(br2.Ue(), 0u);
    EXPECT_FALSE(br2.ok());
}

TEST(BitReader, UeTruncatedFails) {
    // Marker present, suffix cut short.
    auto bytes = FromBits("0000001");  // 6 zeros + marker, 6 suffix bits needed, 1 padding bit left
    BitReader br(bytes);
    (void)br.Ue();
    EXPECT_FALSE(br.ok());

    // No marker before the end.
    const std::vector<uint8_t> one_zero{0x00};
    BitReader br2(one_zero);
    EXPECT_EQ(br2.Ue(), 0u);
    EXPECT_FALSE(br2.ok());
}

// Table 9-3: codeNum k -> (-1)^(k+1) * Ceil(k / 2).
TEST(BitReader, SeMapping) {
    struct Case {
        const char* bits;
        int32_t value;
    };
    const Case cases[] = {
        {"1", 0},        {"010", 1},        {"011", -1},       {"00100", 2}, {"00101", -2},
        {"00110", 3},    {"00111", -3},     {"0001000", 4},    {"0001001", -4},
        {"000000001 00000000", 128}, {"000000001 00000001", -128},  // codeNum 255 and 256
    };
    for (const auto& c : cases) {
        auto bytes = FromBits(c.bits);
        BitReader br(bytes);
        EXPECT_EQ(br.Se(), c.value) << c.bits;
        EXPECT_TRUE(br.ok()) << c.bits;
    }
}

TEST(BitReader, SeExtremes) {
    // codeNum 2^32 - 2 (even): -(2^31 - 1). codeNum 2^32 - 3 (odd): 2^31 - 1.
    auto even = FromBits(std::string(31, '0') + "1" + std::string(31, '1'));
    BitReader br(even);
    EXPECT_EQ(br.Se(), -2147483647);
    EXPECT_TRUE(br.ok());

    auto odd = FromBits(std::string(31, '0') + "1" + std::string(30, '1') + "0");
    BitReader br2(odd);
    EXPECT_EQ(br2.Se(), 2147483647);
    EXPECT_TRUE(br2.ok());
}

}  // namespace
}  // namespace onair::codec
