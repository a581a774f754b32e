// SPDX-License-Identifier: Apache-2.0
#include "onair/codec/h264/sps.h"

#include <vector>

#include "onair/codec/bit_reader.h"
#include "onair/codec/h264/nal.h"

namespace onair::codec::h264 {

namespace {

base::Error Invalid(std::string message) { return base::MakeError(base::ErrorCode::kInvalidData, std::move(message)); }

constexpr uint32_t kMaxDimension = 16384;

bool HasChromaInfo(uint8_t profile_idc) {
    switch (profile_idc) {
        case 100: case 110: case 122: case 244: case 44: case 83: case 86: case 118: case 128: case 138:
        case 139: case 134: case 135: case 144:  // 144: the original High 4:4:4 (still decoded by ffmpeg)
            return true;
        default:
            return false;
    }
}

// scaling_list() (7.3.2.1.1.1): reads the deltas until nextScale becomes 0.
// False for a delta_scale outside -128..127.
bool SkipScalingList(BitReader& br, int size) {
    int last = 8, next = 8;
    for (int j = 0; j < size && br.ok(); ++j) {
        if (next != 0) {
            const int32_t delta = br.Se();
            if (delta < -128 || delta > 127) return false;
            next = (last + delta + 256) % 256;
        }
        last = next == 0 ? last : next;
    }
    return true;
}

void ParseVui(BitReader& br, Sps& sps) {
    if (br.Bit()) {  // aspect_ratio_info_present_flag
        static constexpr uint16_t kSar[17][2] = {{0, 0},    {1, 1},   {12, 11}, {10, 11}, {16, 11}, {40, 33},
                                                 {24, 11},  {20, 11}, {32, 11}, {80, 33}, {18, 11}, {15, 11},
                                                 {64, 33},  {160, 99}, {4, 3},  {3, 2},   {2, 1}};
        const uint32_t idc = br.Bits(8);
        if (idc == 255) {
            sps.sar_width = br.Bits(16);
            sps.sar_height = br.Bits(16);
        } else if (idc > 0 && idc < 17) {
            sps.sar_width = kSar[idc][0];
            sps.sar_height = kSar[idc][1];
        }
    }
    if (br.Bit()) br.Bit();  // overscan_info_present_flag, overscan_appropriate_flag
    if (br.Bit()) {          // video_signal_type_present_flag
        br.Skip(4);          // video_format, video_full_range_flag
        if (br.Bit()) br.Skip(24);  // colour_description_present_flag
    }
    if (br.Bit()) {  // chroma_loc_info_present_flag
        br.Ue();
        br.Ue();
    }
    if (br.Bit()) {  // timing_info_present_flag
        const uint32_t units = br.Bits(32);
        const uint32_t scale = br.Bits(32);
        br.Bit();  // fixed_frame_rate_flag
        if (br.ok()) {
            sps.num_units_in_tick = units;
            sps.time_scale = scale;
        }
    }
    // The rest (HRD, bitstream restriction) is not needed.
}

}  // namespace

base::Result<Sps> ParseSps(std::span<const uint8_t> nal) {
    if (nal.size() < 4) return Invalid("sps: too short");
    if (NalTypeOf(nal[0]) != static_cast<uint8_t>(NalType::kSps)) return Invalid("sps: not an SPS NAL unit");
    std::vector<uint8_t> rbsp;
    UnescapeRbsp(nal.subspan(1), rbsp);
    BitReader br(rbsp);
    Sps sps;
    sps.profile_idc = static_cast<uint8_t>(br.Bits(8));
    sps.constraint_flags = static_cast<uint8_t>(br.Bits(8));
    sps.level_idc = static_cast<uint8_t>(br.Bits(8));
    sps.seq_parameter_set_id = br.Ue();
    if (sps.seq_parameter_set_id > 31) return Invalid("sps: seq_parameter_set_id out of range");
    if (HasChromaInfo(sps.profile_idc)) {
        sps.chroma_format_idc = br.Ue();
        if (sps.chroma_format_idc > 3) return Invalid("sps: chroma_format_idc out of range");
        if (sps.chroma_format_idc == 3) br.Bit();  // separate_colour_plane_flag
        // Range-check the coded values: adding 8 first could wrap a huge one.
        const uint32_t luma_minus8 = br.Ue();
        const uint32_t chroma_minus8 = br.Ue();
        if (luma_minus8 > 6 || chroma_minus8 > 6) return Invalid("sps: bit depth out of range");
        sps.bit_depth_luma = luma_minus8 + 8;
        br.Bit();  // qpprime_y_zero_transform_bypass_flag
        if (br.Bit()) {  // seq_scaling_matrix_present_flag
            const int lists = sps.chroma_format_idc == 3 ? 12 : 8;
            for (int i = 0; i < lists && br.ok(); ++i) {
                if (br.Bit() && !SkipScalingList(br, i < 6 ? 16 : 64)) {
                    return Invalid("sps: delta_scale out of range");
                }
            }
        }
    }
    if (br.Ue() > 12) return Invalid("sps: log2_max_frame_num out of range");
    const uint32_t poc_type = br.Ue();
    if (poc_type == 0) {
        if (br.Ue() > 12) return Invalid("sps: log2_max_pic_order_cnt_lsb out of range");
    } else if (poc_type == 1) {
        br.Bit();  // delta_pic_order_always_zero_flag
        br.Se();
        br.Se();
        const uint32_t cycle = br.Ue();
        if (cycle > 255) return Invalid("sps: num_ref_frames_in_pic_order_cnt_cycle out of range");
        for (uint32_t i = 0; i < cycle && br.ok(); ++i) br.Se();
    } else if (poc_type != 2) {
        return Invalid("sps: pic_order_cnt_type out of range");
    }
    if (br.Ue() > 16) return Invalid("sps: max_num_ref_frames out of range");
    br.Bit();  // gaps_in_frame_num_value_allowed_flag
    const uint32_t width_mbs = br.Ue() + 1;
    const uint32_t height_map_units = br.Ue() + 1;
    sps.frame_mbs_only = br.Bit() != 0;
    if (!sps.frame_mbs_only) br.Bit();  // mb_adaptive_frame_field_flag
    br.Bit();                           // direct_8x8_inference_flag
    uint32_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 0;
    if (br.Bit()) {  // frame_cropping_flag
        crop_left = br.Ue();
        crop_right = br.Ue();
        crop_top = br.Ue();
        crop_bottom = br.Ue();
    }
    if (!br.ok()) return Invalid("sps: truncated");
    // Field-coded pictures have two map-unit rows per frame MB row: the
    // limit is on the frame.
    const uint64_t frame_height_mbs = uint64_t{sps.frame_mbs_only ? 1u : 2u} * height_map_units;
    if (width_mbs > kMaxDimension / 16 || frame_height_mbs > kMaxDimension / 16) {
        return Invalid("sps: picture size out of range");
    }
    // Crop units (7-19..7-22).
    uint32_t crop_x = 1, crop_y = sps.frame_mbs_only ? 1 : 2;
    if (sps.chroma_format_idc == 1) {
        crop_x = 2;
        crop_y *= 2;
    } else if (sps.chroma_format_idc == 2) {
        crop_x = 2;
    }
    const uint64_t full_w = uint64_t{width_mbs} * 16, full_h = frame_height_mbs * 16;
    const uint64_t cut_w = (uint64_t{crop_left} + crop_right) * crop_x;
    const uint64_t cut_h = (uint64_t{crop_top} + crop_bottom) * crop_y;
    if (cut_w >= full_w || cut_h >= full_h) return Invalid("sps: cropping larger than the picture");
    sps.width = static_cast<uint32_t>(full_w - cut_w);
    sps.height = static_cast<uint32_t>(full_h - cut_h);
    if (br.Bit()) {  // vui_parameters_present_flag
        ParseVui(br, sps);
        if (!br.ok()) {
            // A truncated VUI keeps what was read before it; the size is what matters.
            sps.num_units_in_tick = 0;
            sps.time_scale = 0;
        }
    }
    return sps;
}

}  // namespace onair::codec::h264
