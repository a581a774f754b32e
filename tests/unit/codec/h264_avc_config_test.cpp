// SPDX-License-Identifier: Apache-2.0
// ParseAvcConfig / WriteAvcConfig / CodecString against avcC records written
// by ffmpeg's FLV muxer for x264 streams, and every way a record can be bad.
#include "onair/codec/h264/avc_config.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/media_vectors.h"
#include "unit/codec/h264_test_util.h"

namespace onair::codec::h264 {
namespace {

namespace vectors = ::onair::test::vectors;

using base::ErrorCode;
using base::SharedBuffer;

const std::vector<uint8_t> kSps = test::MakeSps({});
const std::vector<uint8_t> kPps = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};

SharedBuffer Buf(const std::vector<uint8_t>& v) { return SharedBuffer::Copy(v); }

ErrorCode CodeOf(const std::vector<uint8_t>& record, const AvcConfigLimits& limits = {}) {
    auto c = ParseAvcConfig(Buf(record), limits);
    EXPECT_FALSE(c.ok());
    return c.ok() ? ErrorCode::kInternal : c.error().code;
}

TEST(AvcConfig, RealRecords) {
    for (const auto& v : vectors::kH264Vectors) {
        SCOPED_TRACE(v.name);
        const auto record = SharedBuffer::Copy(v.avcc);
        auto c = ParseAvcConfig(record);
        ASSERT_TRUE(c.ok()) << c.error().message;
        EXPECT_EQ(c->profile_idc, v.profile_idc);
        EXPECT_EQ(c->profile_compatibility, v.constraint_flags);
        EXPECT_EQ(c->level_idc, v.level);
        EXPECT_EQ(c->nal_length_size, 4);  // ffmpeg/x264 always use 4
        ASSERT_EQ(c->sps.size(), 1u);
        ASSERT_EQ(c->pps.size(), 1u);
        // The SPS is the bytes after its 2-byte length, shared with the record.
        const size_t sps_len = (size_t{v.avcc[6]} << 8) | v.avcc[7];
        EXPECT_EQ(c->sps[0].size(), sps_len);
        EXPECT_EQ(c->sps[0].data(), record.data() + 8);
        EXPECT_EQ(c->sps[0][0] & 0x1f, 7);
        EXPECT_EQ(c->pps[0][0] & 0x1f, 8);
        EXPECT_EQ(c->pps[0].data(), record.data() + 8 + sps_len + 3);
        EXPECT_GT(c->sps[0].use_count(), 1);  // a slice, not a copy
    }
}

TEST(AvcConfig, WriteReproducesTheRecordUpToTheHighProfileExtension) {
    for (const auto& v : vectors::kH264Vectors) {
        SCOPED_TRACE(v.name);
        auto c = ParseAvcConfig(SharedBuffer::Copy(v.avcc));
        ASSERT_TRUE(c.ok());
        const auto written = WriteAvcConfig(c.value());
        const size_t core = 8 + c->sps[0].size() + 3 + c->pps[0].size();
        ASSERT_EQ(written.size(), core);
        // ffmpeg writes the same reserved bits (0xff, 0xe1).
        EXPECT_TRUE(std::equal(written.begin(), written.end(), v.avcc.begin()));
        auto again = ParseAvcConfig(Buf(written));
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(again->sps[0].view(), c->sps[0].view());
        EXPECT_EQ(again->pps[0].view(), c->pps[0].view());
    }
}

TEST(AvcConfig, WriteAlwaysUsesFourByteLengths) {
    auto c = ParseAvcConfig(Buf(test::MakeAvcc({kSps}, {kPps}, 2)));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->nal_length_size, 2);
    const auto written = WriteAvcConfig(c.value());
    EXPECT_EQ(written[4], 0xff);
    EXPECT_EQ(written, test::MakeAvcc({kSps}, {kPps}, 4));
}

TEST(AvcConfig, NalLengthSizes) {
    for (uint8_t n : {1, 2, 4}) {
        auto c = ParseAvcConfig(Buf(test::MakeAvcc({kSps}, {kPps}, n)));
        ASSERT_TRUE(c.ok()) << int{n};
        EXPECT_EQ(c->nal_length_size, n);
    }
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {kPps}, 3)), ErrorCode::kInvalidData);
}

TEST(AvcConfig, SeveralParameterSets) {
    auto sps2 = kSps;
    sps2[0] = 0x27;  // another nal_ref_idc: still an SPS
    const std::vector<uint8_t> pps2 = {0x28, 0xce, 0x3c, 0x80};
    auto c = ParseAvcConfig(Buf(test::MakeAvcc({kSps, sps2}, {kPps, pps2, kPps})));
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_EQ(c->sps.size(), 2u);
    ASSERT_EQ(c->pps.size(), 3u);
    EXPECT_EQ(c->sps[1].view(), Buf(sps2).view());
    EXPECT_EQ(c->pps[1].view(), Buf(pps2).view());
    auto again = ParseAvcConfig(Buf(WriteAvcConfig(c.value())));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->pps.size(), 3u);
}

TEST(AvcConfig, ReservedBitsAreNotRequired) {
    // Some encoders write 0 for the reserved bits; the counts still parse.
    auto record = test::MakeAvcc({kSps}, {kPps});
    record[4] = 0x03;
    record[5] = 0x01;
    auto c = ParseAvcConfig(Buf(record));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->nal_length_size, 4);
    EXPECT_EQ(c->sps.size(), 1u);
}

TEST(AvcConfig, TrailingExtensionIsIgnored) {
    auto record = test::MakeAvcc({kSps}, {kPps});
    const uint8_t ext[] = {0xfd, 0xf8, 0xf8, 0x00};  // chroma 4:2:0, 8-bit, no SPS-ext
    record.insert(record.end(), std::begin(ext), std::end(ext));
    EXPECT_TRUE(ParseAvcConfig(Buf(record)).ok());
}

TEST(AvcConfig, EveryTruncationFails) {
    for (const auto& v : vectors::kH264Vectors) {
        SCOPED_TRACE(v.name);
        auto full = ParseAvcConfig(SharedBuffer::Copy(v.avcc));
        ASSERT_TRUE(full.ok());
        // Up to the end of the PPS everything is needed; the extension is not.
        const size_t core = 8 + full->sps[0].size() + 3 + full->pps[0].size();
        for (size_t n = 0; n < v.avcc.size(); ++n) {
            auto c = ParseAvcConfig(SharedBuffer::Copy(v.avcc.first(n)));
            if (n < core) {
                ASSERT_FALSE(c.ok()) << n;
                EXPECT_EQ(c.error().code, ErrorCode::kInvalidData) << n;
                EXPECT_EQ(c.error().message.rfind("avcC: ", 0), 0u) << c.error().message;
            } else {
                EXPECT_TRUE(c.ok()) << n;
            }
        }
    }
}

TEST(AvcConfig, MalformedRecords) {
    auto good = test::MakeAvcc({kSps}, {kPps});
    ASSERT_TRUE(ParseAvcConfig(Buf(good)).ok());

    auto version0 = good;
    version0[0] = 0;
    EXPECT_EQ(CodeOf(version0), ErrorCode::kInvalidData);
    auto version2 = good;
    version2[0] = 2;
    EXPECT_EQ(CodeOf(version2), ErrorCode::kInvalidData);

    EXPECT_EQ(CodeOf(test::MakeAvcc({}, {kPps})), ErrorCode::kInvalidData);  // no SPS
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {})), ErrorCode::kInvalidData);  // no PPS

    // Wrong NAL types in the SPS and PPS lists.
    EXPECT_EQ(CodeOf(test::MakeAvcc({kPps}, {kPps})), ErrorCode::kInvalidData);
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {kSps})), ErrorCode::kInvalidData);
    const std::vector<uint8_t> idr = {0x65, 0x88, 0x84};
    EXPECT_EQ(CodeOf(test::MakeAvcc({idr}, {kPps})), ErrorCode::kInvalidData);
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {idr})), ErrorCode::kInvalidData);

    // An empty parameter set.
    EXPECT_EQ(CodeOf(test::MakeAvcc({{}}, {kPps})), ErrorCode::kInvalidData);
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {{}})), ErrorCode::kInvalidData);

    // A length past the end.
    auto long_sps = good;
    long_sps[6] = 0x01;  // 256 more bytes claimed than there are
    EXPECT_EQ(CodeOf(long_sps), ErrorCode::kInvalidData);
    auto long_pps = good;
    long_pps[8 + kSps.size() + 1] = 0x01;  // 256 + 6 bytes, within the size limit

    EXPECT_EQ(CodeOf(long_pps), ErrorCode::kInvalidData);

    // More PPS claimed than present.
    auto more_pps = good;
    more_pps[8 + kSps.size()] = 2;
    EXPECT_EQ(CodeOf(more_pps), ErrorCode::kInvalidData);
    // More SPS claimed than present: the second "SPS" length is the PPS count byte and beyond.
    auto more_sps = good;
    more_sps[5] = 0xe2;
    EXPECT_EQ(CodeOf(more_sps), ErrorCode::kInvalidData);

    EXPECT_EQ(CodeOf({}), ErrorCode::kInvalidData);
}

TEST(AvcConfig, Limits) {
    // 31 SPS + 2 PPS: over the default 32.
    std::vector<std::vector<uint8_t>> many_sps(31, kSps);
    EXPECT_EQ(CodeOf(test::MakeAvcc(many_sps, {kPps, kPps})), ErrorCode::kLimitExceeded);
    EXPECT_TRUE(ParseAvcConfig(Buf(test::MakeAvcc(many_sps, {kPps}))).ok());  // exactly 32

    AvcConfigLimits two;
    two.max_parameter_sets = 2;
    EXPECT_TRUE(ParseAvcConfig(Buf(test::MakeAvcc({kSps}, {kPps})), two).ok());
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps, kSps}, {kPps}), two), ErrorCode::kLimitExceeded);
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {kPps, kPps}), two), ErrorCode::kLimitExceeded);
    AvcConfigLimits one;
    one.max_parameter_sets = 1;
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps, kSps}, {kPps}), one), ErrorCode::kLimitExceeded);

    // Parameter set size.
    AvcConfigLimits small;
    small.max_parameter_set_bytes = kSps.size();
    EXPECT_TRUE(ParseAvcConfig(Buf(test::MakeAvcc({kSps}, {kPps})), small).ok());
    small.max_parameter_set_bytes = kSps.size() - 1;
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {kPps}), small), ErrorCode::kLimitExceeded);
    std::vector<uint8_t> big_pps(5000, 0x11);
    big_pps[0] = 0x68;
    EXPECT_EQ(CodeOf(test::MakeAvcc({kSps}, {big_pps})), ErrorCode::kLimitExceeded);  // default 4096
}

TEST(AvcConfig, CodecStrings) {
    for (const auto& v : vectors::kH264Vectors) {
        EXPECT_EQ(CodecString(v.profile_idc, v.constraint_flags, static_cast<uint8_t>(v.level)), v.codec_string)
            << v.name;
    }
    EXPECT_EQ(CodecString(100, 0, 31), "avc1.64001f");
    EXPECT_EQ(CodecString(66, 0xc0, 30), "avc1.42c01e");
    EXPECT_EQ(CodecString(77, 0x40, 9), "avc1.4d4009");  // two lower-case hex digits each
    EXPECT_EQ(CodecString(0, 0, 0), "avc1.000000");
    EXPECT_EQ(CodecString(255, 255, 255), "avc1.ffffff");
}

}  // namespace
}  // namespace onair::codec::h264
