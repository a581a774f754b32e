// SPDX-License-Identifier: Apache-2.0
#include "onair/codec/h264/annexb.h"

#include <gtest/gtest.h>

#include "onair/codec/h264/avc_config.h"

namespace onair::codec::h264 {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<Bytes> Nals(const Bytes& s) {
    std::vector<Bytes> out;
    ForEachAnnexBNal(s, [&](std::span<const uint8_t> nal) { out.emplace_back(nal.begin(), nal.end()); });
    return out;
}

TEST(AnnexB, SplitsOnThreeAndFourByteStartCodes) {
    const Bytes s = {0xAA, 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 0, 0, 3, 1, 0};
    const auto n = Nals(s);
    ASSERT_EQ(n.size(), 3u);
    EXPECT_EQ(n[0], (Bytes{0x67, 1, 2}));
    EXPECT_EQ(n[1], (Bytes{0x68, 3}));  // the zero byte before a 4-byte start code is trailing
    EXPECT_EQ(n[2], (Bytes{0x65, 0, 0, 3, 1}));  // emulation prevention kept; trailing zero dropped
    EXPECT_TRUE(Nals({}).empty());
    EXPECT_TRUE(Nals({0, 0, 1}).empty());
    EXPECT_TRUE(Nals({1, 2, 3}).empty());  // no start code: nothing
}

TEST(AnnexB, ToAvccDropsParameterSetsWhenAsked) {
    const Bytes s = {0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67, 0x64, 0, 0x1F, 0, 0, 1, 0x68, 0xEE,
                     0, 0, 1, 0x65, 0x88, 0x84};
    EXPECT_EQ(AnnexBToAvcc(s, true), (Bytes{0, 0, 0, 3, 0x65, 0x88, 0x84}));
    const Bytes all = AnnexBToAvcc(s, false);
    EXPECT_EQ(all.size(), 4u * 4 + 2 + 4 + 2 + 3);
    EXPECT_EQ(Bytes(all.begin(), all.begin() + 6), (Bytes{0, 0, 0, 2, 0x09, 0xF0}));
}

TEST(AnnexB, AvcConfigFromTheEncodersHeader) {
    const Bytes header = {0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1F, 0xAC, 0, 0, 0, 1, 0x68, 0xEE, 0x3C, 0x80};
    auto avcc = AvcConfigFromAnnexB(header);
    ASSERT_TRUE(avcc.ok()) << avcc.error().message;
    auto parsed = ParseAvcConfig(base::SharedBuffer::Copy(std::span<const uint8_t>(*avcc)));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->profile_idc, 0x64);
    EXPECT_EQ(parsed->level_idc, 0x1F);
    EXPECT_EQ(parsed->nal_length_size, 4);
    ASSERT_EQ(parsed->sps.size(), 1u);
    EXPECT_EQ(parsed->sps[0].size(), 5u);
    ASSERT_EQ(parsed->pps.size(), 1u);
    // Many parameter sets (a fuzzer's find): the first of each, a valid avcC.
    Bytes many;
    for (int i = 0; i < 40; ++i) many.insert(many.end(), header.begin(), header.end());
    auto first = AvcConfigFromAnnexB(many);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, *avcc);
    Bytes huge = {0, 0, 1, 0x67, 0x64, 0, 0x1F};
    huge.resize(5000, 0xAB);
    huge.insert(huge.end(), {0, 0, 1, 0x68, 0xEE});
    EXPECT_EQ(AvcConfigFromAnnexB(huge).error().code, base::ErrorCode::kLimitExceeded);
    EXPECT_FALSE(AvcConfigFromAnnexB(Bytes{0, 0, 1, 0x68, 1}).ok());      // no SPS
    EXPECT_FALSE(AvcConfigFromAnnexB(Bytes{0, 0, 1, 0x67, 0x64, 0, 0x1F}).ok());  // no PPS
}

}  // namespace
}  // namespace onair::codec::h264
