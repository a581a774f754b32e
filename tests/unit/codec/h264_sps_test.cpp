// SPDX-License-Identifier: Apache-2.0
// ParseSps against SPS NAL units from x264 (what ffprobe / ffmpeg's
// trace_headers report about them) and against hand-made SPS covering the
// syntax x264 never writes (POC type 1, SPS scaling lists, odd crops).
#include "onair/codec/h264/sps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/media_vectors.h"
#include "unit/codec/h264_test_util.h"

namespace onair::codec::h264 {
namespace {

namespace vectors = ::onair::test::vectors;

using test::BitWriter;
using test::MakeSps;
using test::SpsFields;

// The first SPS of an avcC record, located by hand (not with ParseAvcConfig).
std::span<const uint8_t> FirstSps(std::span<const uint8_t> avcc) {
    const size_t len = (size_t{avcc[6]} << 8) | avcc[7];
    return avcc.subspan(8, len);
}

TEST(Sps, RealEncoderVectors) {
    for (const auto& v : vectors::kH264Vectors) {
        SCOPED_TRACE(v.name);
        const auto nal = FirstSps(v.avcc);
        auto sps = ParseSps(nal);
        ASSERT_TRUE(sps.ok()) << sps.error().message;
        EXPECT_EQ(sps->width, static_cast<uint32_t>(v.width));
        EXPECT_EQ(sps->height, static_cast<uint32_t>(v.height));
        EXPECT_EQ(sps->profile_idc, v.profile_idc);
        EXPECT_EQ(sps->constraint_flags, v.constraint_flags);
        EXPECT_EQ(sps->level_idc, v.level);
        EXPECT_EQ(sps->chroma_format_idc, v.chroma_format_idc);
        EXPECT_EQ(sps->bit_depth_luma, v.bit_depth_luma);
        EXPECT_EQ(sps->frame_mbs_only, v.frame_mbs_only);
        EXPECT_EQ(sps->num_units_in_tick, v.num_units_in_tick);
        EXPECT_EQ(sps->time_scale, v.time_scale);
        EXPECT_EQ(sps->seq_parameter_set_id, 0u);
        EXPECT_EQ(sps->sar_width, 1u);  // x264 writes aspect_ratio_idc 1 (square)
        EXPECT_EQ(sps->sar_height, 1u);
    }
}

TEST(Sps, RealVectorsCoverTheCasesTheyClaim) {
    // Guards the vectors themselves: if a regeneration loses one of these,
    // the tests above stop covering it.
    auto find = [](std::string_view name) {
        for (const auto& v : vectors::kH264Vectors) {
            if (name == v.name) return v;
        }
        ADD_FAILURE() << name;
        return vectors::kH264Vectors[0];
    };
    EXPECT_EQ(find("high1080").height, 1080);  // coded as 1088 with 8 rows cropped
    EXPECT_FALSE(find("interlaced1080").frame_mbs_only);
    EXPECT_EQ(find("high444").chroma_format_idc, 3u);
    EXPECT_EQ(find("high422odd").chroma_format_idc, 2u);
    EXPECT_EQ(find("gray141").chroma_format_idc, 0u);
    EXPECT_EQ(find("high10").bit_depth_luma, 10u);
    EXPECT_TRUE(find("high720_sps_scaling").seq_scaling_matrix);
    EXPECT_TRUE(find("high444_sps_scaling").seq_scaling_matrix);
    // x264's VUI timing fields (00 00 00 01, 00 00 00 3c) need emulation
    // prevention bytes: the timing values above check they are removed.
    const auto sps = FirstSps(find("high720").avcc);
    const uint8_t epb[] = {0x00, 0x00, 0x03};
    EXPECT_NE(std::search(sps.begin(), sps.end(), std::begin(epb), std::end(epb)), sps.end());
}

TEST(Sps, EveryPrefixOfRealSpsFailsOrKeepsThePictureSize) {
    for (const auto& v : vectors::kH264Vectors) {
        SCOPED_TRACE(v.name);
        const auto nal = FirstSps(v.avcc);
        size_t first_ok = nal.size();
        for (size_t n = 0; n < nal.size(); ++n) {
            auto sps = ParseSps(nal.first(n));
            if (!sps.ok()) {
                EXPECT_EQ(sps.error().code, base::ErrorCode::kInvalidData) << n;
                EXPECT_LT(n, first_ok) << "a longer prefix failed after a shorter one parsed";
                continue;
            }
            first_ok = std::min(first_ok, n);
            // Only the VUI can be cut: the size is already known.
            EXPECT_EQ(sps->width, static_cast<uint32_t>(v.width)) << n;
            EXPECT_EQ(sps->height, static_cast<uint32_t>(v.height)) << n;
            EXPECT_TRUE(sps->time_scale == 0 || sps->time_scale == v.time_scale) << n;
        }
        EXPECT_LT(first_ok, nal.size()) << "x264 always writes a VUI, so some cut inside it must parse";
    }
}

TEST(Sps, DefaultFieldsParse) {
    auto sps = ParseSps(MakeSps({}));
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->width, 1280u);
    EXPECT_EQ(sps->height, 720u);
    EXPECT_EQ(sps->num_units_in_tick, 0u);  // no VUI
    EXPECT_EQ(sps->time_scale, 0u);
}

struct CropCase {
    const char* what;
    uint8_t profile;
    uint64_t chroma;
    unsigned separate_planes;
    unsigned frame_mbs_only;
    uint64_t width_mbs_minus1, height_units_minus1;
    uint64_t left, right, top, bottom;
    uint32_t width, height;
};

// Expected sizes from 7-19..7-22 (CropUnitX/Y) worked out by hand.
TEST(Sps, CroppingUnitsPerChromaFormatAndFieldCoding) {
    const CropCase cases[] = {
        {"4:2:0 progressive, 1088 -> 1080", 100, 1, 0, 1, 119, 67, 0, 0, 0, 4, 1920, 1080},
        {"4:2:0 interlaced, map units are field MB rows", 100, 1, 0, 0, 119, 33, 0, 0, 0, 2, 1920, 1080},
        {"4:2:0 all four edges", 100, 1, 0, 1, 39, 22, 1, 2, 3, 1, 634, 360},
        {"main profile implies 4:2:0", 77, 1, 0, 1, 53, 29, 0, 5, 0, 0, 854, 480},
        {"4:2:2 progressive: x unit 2, y unit 1", 122, 2, 0, 1, 19, 14, 0, 3, 0, 1, 314, 239},
        {"4:2:2 interlaced: y unit 2", 122, 2, 0, 0, 19, 7, 0, 0, 0, 3, 320, 250},
        {"4:4:4: unit 1", 244, 3, 0, 1, 21, 17, 1, 2, 1, 0, 349, 287},
        {"4:4:4 interlaced: y unit 2", 244, 3, 0, 0, 21, 8, 0, 0, 0, 3, 352, 282},
        {"4:4:4 separate planes (ChromaArrayType 0)", 244, 3, 1, 1, 21, 17, 1, 0, 0, 1, 351, 287},
        {"monochrome: unit 1", 100, 0, 0, 1, 10, 8, 0, 1, 0, 3, 175, 141},
        {"monochrome interlaced: y unit 2", 100, 0, 0, 0, 10, 4, 0, 0, 0, 1, 176, 158},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        SpsFields f;
        f.profile_idc = c.profile;
        f.chroma_format_idc = c.chroma;
        f.separate_colour_plane_flag = c.separate_planes;
        f.frame_mbs_only_flag = c.frame_mbs_only;
        f.pic_width_in_mbs_minus1 = c.width_mbs_minus1;
        f.pic_height_in_map_units_minus1 = c.height_units_minus1;
        f.cropping = true;
        f.crop_left = c.left;
        f.crop_right = c.right;
        f.crop_top = c.top;
        f.crop_bottom = c.bottom;
        auto sps = ParseSps(MakeSps(f));
        ASSERT_TRUE(sps.ok()) << sps.error().message;
        EXPECT_EQ(sps->width, c.width);
        EXPECT_EQ(sps->height, c.height);
        EXPECT_EQ(sps->chroma_format_idc, c.chroma);
        EXPECT_EQ(sps->frame_mbs_only, c.frame_mbs_only != 0);
    }
}

TEST(Sps, CroppingTheWholePictureIsRejected) {
    SpsFields f;
    f.pic_width_in_mbs_minus1 = 0;  // 16 x 16
    f.pic_height_in_map_units_minus1 = 0;
    f.cropping = true;
    f.crop_right = 7;  // 14 of 16 columns: 2 left
    auto ok = ParseSps(MakeSps(f));
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->width, 2u);

    f.crop_right = 8;  // all 16
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());
    f.crop_right = 0;
    f.crop_top = 4;
    f.crop_bottom = 4;
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());
    f.crop_top = 0;
    f.crop_bottom = 0;
    f.crop_left = 0xfffffffe;  // the largest ue(v): no overflow into a small size
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());
    f.crop_left = 0x7fffffff;
    f.crop_right = 0x7fffffff;
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());
}

TEST(Sps, PictureSizeLimit) {
    SpsFields f;
    f.pic_width_in_mbs_minus1 = 1023;  // 16384: the limit
    f.pic_height_in_map_units_minus1 = 1023;
    auto max = ParseSps(MakeSps(f));
    ASSERT_TRUE(max.ok()) << max.error().message;
    EXPECT_EQ(max->width, 16384u);
    EXPECT_EQ(max->height, 16384u);

    f.pic_width_in_mbs_minus1 = 1024;
    EXPECT_EQ(ParseSps(MakeSps(f)).error().code, base::ErrorCode::kInvalidData);
    f.pic_width_in_mbs_minus1 = 0xfffffffe;
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());
    f.pic_width_in_mbs_minus1 = 1023;
    f.pic_height_in_map_units_minus1 = 1024;
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());
}

TEST(Sps, InterlacedPictureSizeLimitCountsBothFields) {
    // 512 map units of field MB rows are 1024 frame MB rows: 16384, allowed.
    SpsFields f;
    f.frame_mbs_only_flag = 0;
    f.pic_height_in_map_units_minus1 = 511;
    auto max = ParseSps(MakeSps(f));
    ASSERT_TRUE(max.ok()) << max.error().message;
    EXPECT_EQ(max->height, 16384u);
    // 1024 map units would be 32768 rows: over the 16384 limit.
    f.pic_height_in_map_units_minus1 = 1023;
    auto over = ParseSps(MakeSps(f));
    EXPECT_FALSE(over.ok()) << "height " << (over.ok() ? over->height : 0);
}

TEST(Sps, PocType1And2) {
    SpsFields f;
    f.pic_order_cnt_type = 1;
    f.offset_for_ref_frame = {1, -1, 5, -300, 0};
    auto one = ParseSps(MakeSps(f));
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(one->width, 1280u);
    EXPECT_EQ(one->height, 720u);

    f.offset_for_ref_frame.assign(255, -7);  // the maximum cycle length
    auto long_cycle = ParseSps(MakeSps(f));
    ASSERT_TRUE(long_cycle.ok()) << long_cycle.error().message;
    EXPECT_EQ(long_cycle->height, 720u);

    f.offset_for_ref_frame.assign(256, 1);
    EXPECT_FALSE(ParseSps(MakeSps(f)).ok());

    SpsFields two;
    two.pic_order_cnt_type = 2;
    auto t = ParseSps(MakeSps(two));
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->width, 1280u);

    SpsFields three;
    three.pic_order_cnt_type = 3;
    EXPECT_EQ(ParseSps(MakeSps(three)).error().code, base::ErrorCode::kInvalidData);
}

// A scaling list as delta_scale codes, stopping where nextScale becomes 0.
void WriteList(BitWriter& w, const std::vector<int>& values, int size) {
    int last = 8;
    for (int j = 0; j < size; ++j) {
        const int next = j < static_cast<int>(values.size()) ? values[static_cast<size_t>(j)] : last;
        w.Se(((next - last + 128) % 256 + 256) % 256 - 128);
        if (next == 0) return;
        last = next;
    }
}

TEST(Sps, ScalingListsAreSkippedExactly) {
    // 4:2:0: 8 lists (6 of 16, 2 of 64). Each shape of list must consume
    // exactly its bits, or the picture size after it comes out wrong.
    SpsFields f;
    f.scaling_matrix = [](BitWriter& w) {
        w.Bit(1);
        WriteList(w, {0}, 16);  // useDefaultScalingMatrixFlag: a single delta
        w.Bit(0);
        w.Bit(1);
        WriteList(w, {16, 20, 0}, 16);  // stops after 3 deltas
        w.Bit(1);
        WriteList(w, {255, 1, 128, 127, 200}, 16);  // wraps both ways, rest repeats the last
        w.Bit(0);
        w.Bit(0);
        w.Bit(1);
        WriteList(w, std::vector<int>(64, 42), 64);
        w.Bit(1);
        WriteList(w, {}, 64);  // all deltas 0: 64 one-bit codes
    };
    auto sps = ParseSps(MakeSps(f));
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->width, 1280u);
    EXPECT_EQ(sps->height, 720u);
}

TEST(Sps, FourFourFourHasTwelveScalingLists) {
    SpsFields f;
    f.profile_idc = 244;
    f.chroma_format_idc = 3;
    f.pic_width_in_mbs_minus1 = 21;
    f.pic_height_in_map_units_minus1 = 17;
    f.scaling_matrix = [](BitWriter& w) {
        for (int i = 0; i < 12; ++i) {
            w.Bit(1);
            WriteList(w, {10 + i, 30, 90}, i < 6 ? 16 : 64);
        }
    };
    auto sps = ParseSps(MakeSps(f));
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->width, 352u);
    EXPECT_EQ(sps->height, 288u);
}

TEST(Sps, ScalingDeltaOutOfRangeIsRejected) {
    // delta_scale is -128..127 (7.4.2.1.1.1); a huge one must not overflow.
    for (int64_t delta : {int64_t{128}, int64_t{-129}, int64_t{2147483647}, int64_t{-2147483647}}) {
        SCOPED_TRACE(delta);
        SpsFields f;
        f.scaling_matrix = [delta](BitWriter& w) {
            w.Bit(1);
            w.Se(delta);
            for (int j = 1; j < 16; ++j) w.Se(0);
            for (int i = 1; i < 8; ++i) w.Bit(0);
        };
        auto sps = ParseSps(MakeSps(f));
        ASSERT_FALSE(sps.ok());
        EXPECT_EQ(sps.error().code, base::ErrorCode::kInvalidData);
    }
}

TEST(Sps, ChromaFieldsOnlyForTheProfilesThatHaveThem) {
    // Profile 144 (the original High 4:4:4) carries chroma_format_idc too;
    // decoders (ffmpeg) still accept it.
    SpsFields f;
    f.profile_idc = 144;
    f.chroma_format_idc = 3;
    f.pic_width_in_mbs_minus1 = 21;
    f.pic_height_in_map_units_minus1 = 17;
    auto sps = ParseSps(MakeSps(f));
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->chroma_format_idc, 3u);
    EXPECT_EQ(sps->width, 352u);
    // Constrained baseline: no chroma fields, 4:2:0 and 8 bits implied.
    SpsFields b;
    b.profile_idc = 66;
    b.constraint_flags = 0xc0;
    auto base = ParseSps(MakeSps(b));
    ASSERT_TRUE(base.ok());
    EXPECT_EQ(base->chroma_format_idc, 1u);
    EXPECT_EQ(base->bit_depth_luma, 8u);
    EXPECT_EQ(base->constraint_flags, 0xc0);
}

TEST(Sps, BitDepthAndIds) {
    SpsFields f;
    f.profile_idc = 110;
    f.bit_depth_luma_minus8 = 6;  // 14 bits: the maximum
    f.bit_depth_chroma_minus8 = 6;
    f.seq_parameter_set_id = 31;
    auto sps = ParseSps(MakeSps(f));
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->bit_depth_luma, 14u);
    EXPECT_EQ(sps->seq_parameter_set_id, 31u);
}

struct BadField {
    const char* what;
    std::function<void(SpsFields&)> set;
};

TEST(Sps, OutOfRangeFieldsAreRejected) {
    const BadField cases[] = {
        {"seq_parameter_set_id 32", [](SpsFields& f) { f.seq_parameter_set_id = 32; }},
        {"chroma_format_idc 4", [](SpsFields& f) { f.chroma_format_idc = 4; }},
        {"bit_depth_luma 15", [](SpsFields& f) { f.bit_depth_luma_minus8 = 7; }},
        {"bit_depth_chroma 15", [](SpsFields& f) { f.bit_depth_chroma_minus8 = 7; }},
        // Values that wrap to a small number when the spec's offset is added.
        {"bit_depth_luma_minus8 2^32-8", [](SpsFields& f) { f.bit_depth_luma_minus8 = 0xfffffff8; }},
        {"bit_depth_chroma_minus8 2^32-8", [](SpsFields& f) { f.bit_depth_chroma_minus8 = 0xfffffff8; }},
        {"log2_max_frame_num_minus4 13", [](SpsFields& f) { f.log2_max_frame_num_minus4 = 13; }},
        {"log2_max_frame_num_minus4 2^32-4", [](SpsFields& f) { f.log2_max_frame_num_minus4 = 0xfffffffc; }},
        {"log2_max_poc_lsb_minus4 13", [](SpsFields& f) { f.log2_max_pic_order_cnt_lsb_minus4 = 13; }},
        {"log2_max_poc_lsb_minus4 2^32-4", [](SpsFields& f) { f.log2_max_pic_order_cnt_lsb_minus4 = 0xfffffffc; }},
        {"max_num_ref_frames 17", [](SpsFields& f) { f.max_num_ref_frames = 17; }},
        {"max_num_ref_frames 2^32-2", [](SpsFields& f) { f.max_num_ref_frames = 0xfffffffe; }},
        {"pic_order_cnt_type 2^32-2", [](SpsFields& f) { f.pic_order_cnt_type = 0xfffffffe; }},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        SpsFields f;
        c.set(f);
        auto sps = ParseSps(MakeSps(f));
        ASSERT_FALSE(sps.ok());
        EXPECT_EQ(sps.error().code, base::ErrorCode::kInvalidData);
        EXPECT_FALSE(sps.error().message.empty());
    }
    // The boundaries just inside are accepted.
    SpsFields edge;
    edge.log2_max_frame_num_minus4 = 12;
    edge.log2_max_pic_order_cnt_lsb_minus4 = 12;
    edge.max_num_ref_frames = 16;
    EXPECT_TRUE(ParseSps(MakeSps(edge)).ok());
}

TEST(Sps, NotAnSpsOrTooShort) {
    auto pps_type = MakeSps({});
    pps_type[0] = 0x68;
    EXPECT_EQ(ParseSps(pps_type).error().code, base::ErrorCode::kInvalidData);
    pps_type[0] = 0x65;
    EXPECT_FALSE(ParseSps(pps_type).ok());
    EXPECT_FALSE(ParseSps({}).ok());
    const uint8_t tiny[] = {0x67, 0x64, 0x00};
    EXPECT_FALSE(ParseSps(tiny).ok());
    // nal_ref_idc does not matter, only the type.
    auto low_ref = MakeSps({});
    low_ref[0] = 0x27;
    EXPECT_TRUE(ParseSps(low_ref).ok());
}

TEST(Sps, EveryPrefixOfHandMadeSpsWithoutVuiFails) {
    // Without a VUI every field matters: no cut may parse, except the one
    // that loses only the last byte, which holds vui_parameters_present_flag
    // (0) and the stop bit: a missing VUI flag reads as "no VUI".
    SpsFields f;
    f.cropping = true;
    f.crop_bottom = 4;
    f.pic_height_in_map_units_minus1 = 67;
    const auto nal = MakeSps(f);
    ASSERT_TRUE(ParseSps(nal).ok());
    ASSERT_EQ(nal.back(), 0x40);
    for (size_t n = 0; n + 1 < nal.size(); ++n) EXPECT_FALSE(ParseSps(std::span(nal).first(n)).ok()) << n;
}

TEST(Sps, EmulationPreventionIsRemovedBeforeParsing) {
    // Fields chosen so the RBSP holds 00 00 0x: the escaped NAL has 03
    // bytes that must not be read as data.
    SpsFields f;
    f.profile_idc = 0;
    f.constraint_flags = 0;
    f.level_idc = 1;  // 00 00 01: escaped as 00 00 03 01
    f.vui = [](BitWriter& w) {
        w.Bit(0);  // aspect_ratio_info_present_flag
        w.Bit(0);  // overscan
        w.Bit(0);  // video_signal_type
        w.Bit(0);  // chroma_loc
        w.Bit(1);  // timing_info_present_flag
        w.U(32, 1001);
        w.U(32, 60000);
        w.Bit(1);
        w.U(5, 0);  // hrd flags, pic_struct, bitstream_restriction
    };
    const auto nal = MakeSps(f);
    const uint8_t escaped[] = {0x67, 0x00, 0x00, 0x03, 0x01};
    ASSERT_TRUE(std::equal(std::begin(escaped), std::end(escaped), nal.begin()));
    auto sps = ParseSps(nal);
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->level_idc, 1);
    EXPECT_EQ(sps->width, 1280u);
    EXPECT_EQ(sps->height, 720u);
    EXPECT_EQ(sps->num_units_in_tick, 1001u);
    EXPECT_EQ(sps->time_scale, 60000u);
}

TEST(Sps, VuiAspectRatio) {
    auto with_sar = [](uint32_t idc, uint32_t w16, uint32_t h16) {
        SpsFields f;
        f.vui = [=](BitWriter& w) {
            w.Bit(1);
            w.U(8, idc);
            if (idc == 255) {
                w.U(16, w16);
                w.U(16, h16);
            }
            w.Bit(1);  // overscan_info_present_flag
            w.Bit(0);
            w.Bit(1);  // video_signal_type_present_flag
            w.U(4, 5);
            w.Bit(1);  // colour_description_present_flag
            w.U(24, 0x010101);
            w.Bit(1);  // chroma_loc_info_present_flag
            w.Ue(1);
            w.Ue(1);
            w.Bit(1);  // timing
            w.U(32, 1);
            w.U(32, 50);
            w.Bit(1);
            w.U(5, 0);
        };
        return ParseSps(MakeSps(f));
    };
    auto extended = with_sar(255, 64, 45);  // Extended_SAR
    ASSERT_TRUE(extended.ok());
    EXPECT_EQ(extended->sar_width, 64u);
    EXPECT_EQ(extended->sar_height, 45u);
    EXPECT_EQ(extended->time_scale, 50u);  // every optional VUI part was skipped exactly
    auto four_three = with_sar(14, 0, 0);  // Table E-1: 14 = 4:3
    ASSERT_TRUE(four_three.ok());
    EXPECT_EQ(four_three->sar_width, 4u);
    EXPECT_EQ(four_three->sar_height, 3u);
    auto ntsc = with_sar(3, 0, 0);  // 10:11
    ASSERT_TRUE(ntsc.ok());
    EXPECT_EQ(ntsc->sar_width, 10u);
    EXPECT_EQ(ntsc->sar_height, 11u);
    auto reserved = with_sar(100, 0, 0);  // reserved: left at 1:1
    ASSERT_TRUE(reserved.ok());
    EXPECT_EQ(reserved->sar_width, 1u);
    EXPECT_EQ(reserved->time_scale, 50u);
}

TEST(Sps, TruncatedVuiKeepsTheSizeAndDropsTiming) {
    SpsFields f;
    f.vui = [](BitWriter& w) {
        w.U(4, 0);
        w.Bit(1);
        w.U(32, 1);
        w.U(8, 0);  // time_scale cut after 8 of 32 bits
    };
    BitWriter w;
    test::WriteSpsBits(w, f);
    std::vector<uint8_t> nal{0x67};
    const auto escaped = test::Escape(w.bytes());
    nal.insert(nal.end(), escaped.begin(), escaped.end());
    auto sps = ParseSps(nal);
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->width, 1280u);
    EXPECT_EQ(sps->height, 720u);
    EXPECT_EQ(sps->num_units_in_tick, 0u);
    EXPECT_EQ(sps->time_scale, 0u);
}

// Inputs codec_bitstream_fuzz / format_flv_fuzz found against the first
// implementation.
TEST(Sps, FuzzRegressionFieldCodedHeightOverTheLimit) {
    // Main profile, frame_mbs_only 0, 992 map units: 31744 rows were accepted.
    const uint8_t from_codec_fuzz[] = {0x67, 0x4d, 0x77, 0x77, 0x77, 0x40, 0x1f, 0x00, 0x00, 0x11, 0x41, 0x9a,
                                       0x23, 0x6c, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x2c, 0x03, 0x00,
                                       0x94, 0x94, 0x94, 0x94, 0x94, 0x00, 0x80, 0x00, 0x00, 0x03, 0x00, 0x80,
                                       0x00, 0x00, 0x1e, 0x07, 0x8c, 0x18, 0xcb};
    // The real 64x64 SPS with one bit flipped: 17600 rows.
    const uint8_t from_flv_fuzz[] = {0x67, 0x64, 0x00, 0x0a, 0xac, 0xd9, 0x44, 0x00, 0x44, 0xc0, 0x00, 0x00,
                                     0x03, 0x26, 0x04, 0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x48, 0x96, 0x58};
    using Span = std::span<const uint8_t>;
    for (Span nal : {Span(from_codec_fuzz), Span(from_flv_fuzz)}) {
        auto sps = ParseSps(nal);
        ASSERT_FALSE(sps.ok()) << sps->width << "x" << sps->height;
        EXPECT_EQ(sps.error().code, base::ErrorCode::kInvalidData);
    }
}

TEST(Sps, FuzzRegressionScalingDeltaOverflow) {
    // High 4:4:4, a delta_scale near 2^31: signed overflow (UBSan) in
    // nextScale = (lastScale + delta_scale + 256) % 256.
    const uint8_t nal[] = {
        0x67, 0xf4, 0x00, 0x0d, 0x2d, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0x10,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x2c, 0x00, 0x00,
        0x00, 0x16, 0x12, 0xd8, 0x08, 0x80, 0x00, 0x4c, 0x4c, 0xff, 0x00, 0x71, 0x00, 0x00, 0x03, 0x4c, 0x4c,
    };
    auto sps = ParseSps(nal);
    ASSERT_FALSE(sps.ok());
    EXPECT_EQ(sps.error().code, base::ErrorCode::kInvalidData);
}

}  // namespace
}  // namespace onair::codec::h264
