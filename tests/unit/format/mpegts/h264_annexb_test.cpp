// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/h264_annexb.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace onair::format::mpegts {
namespace {

using Bytes = std::vector<uint8_t>;

// An AVCC access unit (4-byte lengths) of the given NAL units.
Bytes Avcc(std::initializer_list<Bytes> nals) {
    Bytes out;
    for (const auto& n : nals) {
        const auto len = static_cast<uint32_t>(n.size());
        out.insert(out.end(), {static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
                               static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)});
        out.insert(out.end(), n.begin(), n.end());
    }
    return out;
}

Bytes AnnexB(std::initializer_list<Bytes> nals) {
    Bytes out;
    for (const auto& n : nals) {
        out.insert(out.end(), {0, 0, 0, 1});
        out.insert(out.end(), n.begin(), n.end());
    }
    return out;
}

const Bytes kSps{0x67, 0x64, 0x00, 0x1F, 0xAC};
const Bytes kPps{0x68, 0xEB, 0xE3};
const Bytes kIdr{0x65, 0x88, 0x84, 0x00};
const Bytes kSlice{0x41, 0x9A, 0x02};
const Bytes kSei{0x06, 0x05, 0x01, 0x80};
const Bytes kAud{0x09, 0xF0};
const Bytes kOtherAud{0x09, 0x10};

class H264AnnexBTest : public ::testing::Test {
protected:
    H264AnnexBTest() {
        converter_.SetParameterSets({base::SharedBuffer::Copy(kSps)}, {base::SharedBuffer::Copy(kPps)});
    }
    Bytes Convert(const Bytes& avcc, bool keyframe) {
        PayloadChain chain;
        EXPECT_TRUE(converter_.Append(avcc, keyframe, chain).ok());
        Bytes out;
        chain.CopyTo(chain.remaining(), out);
        return out;
    }
    H264AnnexB converter_;
};

TEST_F(H264AnnexBTest, IdrGetsAudThenParameterSets) {
    EXPECT_EQ(Convert(Avcc({kSei, kIdr}), true), AnnexB({kAud, kSps, kPps, kSei, kIdr}));
}

TEST_F(H264AnnexBTest, NonIdrGetsOnlyAnAud) {
    EXPECT_EQ(Convert(Avcc({kSlice}), false), AnnexB({kAud, kSlice}));
}

TEST_F(H264AnnexBTest, AnAudAndInBandParameterSetsAreKept) {
    const Bytes in_band_sps{0x67, 0x42, 0x00, 0x1E};
    EXPECT_EQ(Convert(Avcc({kOtherAud, in_band_sps, kPps, kIdr}), true),
              AnnexB({kOtherAud, in_band_sps, kPps, kIdr}));
}

TEST_F(H264AnnexBTest, AMissingPpsBringsBothFromTheConfig) {
    const Bytes in_band_sps{0x67, 0x42, 0x00, 0x1E};
    EXPECT_EQ(Convert(Avcc({in_band_sps, kIdr}), true), AnnexB({kAud, kSps, kPps, in_band_sps, kIdr}));
}

TEST_F(H264AnnexBTest, KeyframeWithoutIdrSliceStillGetsParameterSets) {
    // A recovery-point I picture (open GOP) flagged as a keyframe.
    EXPECT_EQ(Convert(Avcc({kSei, kSlice}), true), AnnexB({kAud, kSps, kPps, kSei, kSlice}));
}

TEST_F(H264AnnexBTest, MisplacedAudIsDropped) {
    EXPECT_EQ(Convert(Avcc({kSlice, kOtherAud, kSlice}), false), AnnexB({kAud, kSlice, kSlice}));
}

TEST_F(H264AnnexBTest, ZeroLengthNalUnitsAreSkipped) {
    EXPECT_EQ(Convert(Avcc({Bytes{}, kSlice}), false), AnnexB({kAud, kSlice}));
}

TEST_F(H264AnnexBTest, MalformedUnitsAreErrors) {
    PayloadChain chain;
    Bytes truncated = Avcc({kSlice});
    truncated.pop_back();
    EXPECT_FALSE(converter_.Append(truncated, false, chain).ok());
    EXPECT_FALSE(converter_.Append(Bytes{}, false, chain).ok());
    EXPECT_FALSE(converter_.Append(Bytes{0, 0, 0}, false, chain).ok());
    EXPECT_EQ(converter_.Append(Avcc({Bytes{}}), false, chain).error().code, base::ErrorCode::kInvalidData);
}

}  // namespace
}  // namespace onair::format::mpegts
