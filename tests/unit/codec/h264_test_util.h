// SPDX-License-Identifier: Apache-2.0
// Writers for hand-made H.264 test inputs: bits, Exp-Golomb codes and the
// SPS syntax of ITU-T H.264 7.3.2.1.1, so a test states field values and
// gets the NAL unit an encoder would have produced.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace onair::codec::h264::test {

class BitWriter {
public:
    void U(unsigned n, uint64_t v) {
        for (unsigned i = n; i-- > 0;) Bit(static_cast<unsigned>((v >> i) & 1));
    }
    void Bit(unsigned b) {
        if (bits_ % 8 == 0) bytes_.push_back(0);
        if (b) bytes_.back() |= static_cast<uint8_t>(0x80 >> (bits_ % 8));
        ++bits_;
    }
    void Ue(uint64_t v) {  // v <= 2^32 - 2
        const uint64_t code = v + 1;
        unsigned len = 0;
        while ((code >> len) > 1) ++len;
        U(len, 0);
        U(len + 1, code);
    }
    void Se(int64_t v) { Ue(v > 0 ? static_cast<uint64_t>(2 * v - 1) : static_cast<uint64_t>(-2 * v)); }
    /// rbsp_trailing_bits: a one bit, then zeros to the byte boundary.
    void Trailing() {
        Bit(1);
        while (bits_ % 8 != 0) Bit(0);
    }
    const std::vector<uint8_t>& bytes() const { return bytes_; }

private:
    std::vector<uint8_t> bytes_;
    size_t bits_ = 0;
};

/// Inserts emulation_prevention_three_byte (7.4.1): after two zero bytes,
/// before any byte <= 3.
inline std::vector<uint8_t> Escape(std::span<const uint8_t> rbsp) {
    std::vector<uint8_t> out;
    unsigned zeros = 0;
    for (uint8_t b : rbsp) {
        if (zeros >= 2 && b <= 3) {
            out.push_back(3);
            zeros = 0;
        }
        out.push_back(b);
        zeros = b == 0 ? zeros + 1 : 0;
    }
    return out;
}

/// Field values of a sequence parameter set; defaults are a 1280x720 High
/// profile SPS like x264's (without VUI).
struct SpsFields {
    uint8_t nal_header = 0x67;
    uint8_t profile_idc = 100;
    uint8_t constraint_flags = 0;
    uint8_t level_idc = 31;
    uint64_t seq_parameter_set_id = 0;
    uint64_t chroma_format_idc = 1;
    unsigned separate_colour_plane_flag = 0;
    uint64_t bit_depth_luma_minus8 = 0;
    uint64_t bit_depth_chroma_minus8 = 0;
    std::function<void(BitWriter&)> scaling_matrix;  // writes the seq_scaling_list_present flags and lists
    uint64_t log2_max_frame_num_minus4 = 0;
    uint64_t pic_order_cnt_type = 0;
    uint64_t log2_max_pic_order_cnt_lsb_minus4 = 2;
    std::vector<int64_t> offset_for_ref_frame;  // poc type 1
    uint64_t max_num_ref_frames = 4;
    uint64_t pic_width_in_mbs_minus1 = 79;
    uint64_t pic_height_in_map_units_minus1 = 44;
    unsigned frame_mbs_only_flag = 1;
    bool cropping = false;
    uint64_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 0;
    std::function<void(BitWriter&)> vui;  // writes vui_parameters() when set
};

inline bool HasChromaFields(uint8_t profile) {
    switch (profile) {
        case 100: case 110: case 122: case 244: case 44: case 83: case 86: case 118: case 128: case 138:
        case 139: case 134: case 135: case 144:
            return true;
        default:
            return false;
    }
}

/// The SPS syntax up to (and without) the trailing bits.
inline void WriteSpsBits(BitWriter& w, const SpsFields& f) {
    w.U(8, f.profile_idc);
    w.U(8, f.constraint_flags);
    w.U(8, f.level_idc);
    w.Ue(f.seq_parameter_set_id);
    if (HasChromaFields(f.profile_idc)) {
        w.Ue(f.chroma_format_idc);
        if (f.chroma_format_idc == 3) w.Bit(f.separate_colour_plane_flag);
        w.Ue(f.bit_depth_luma_minus8);
        w.Ue(f.bit_depth_chroma_minus8);
        w.Bit(0);  // qpprime_y_zero_transform_bypass_flag
        w.Bit(f.scaling_matrix ? 1 : 0);
        if (f.scaling_matrix) f.scaling_matrix(w);
    }
    w.Ue(f.log2_max_frame_num_minus4);
    w.Ue(f.pic_order_cnt_type);
    if (f.pic_order_cnt_type == 0) {
        w.Ue(f.log2_max_pic_order_cnt_lsb_minus4);
    } else if (f.pic_order_cnt_type == 1) {
        w.Bit(0);  // delta_pic_order_always_zero_flag
        w.Se(-2);  // offset_for_non_ref_pic
        w.Se(3);   // offset_for_top_to_bottom_field
        w.Ue(f.offset_for_ref_frame.size());
        for (int64_t o : f.offset_for_ref_frame) w.Se(o);
    }
    w.Ue(f.max_num_ref_frames);
    w.Bit(0);  // gaps_in_frame_num_value_allowed_flag
    w.Ue(f.pic_width_in_mbs_minus1);
    w.Ue(f.pic_height_in_map_units_minus1);
    w.Bit(f.frame_mbs_only_flag);
    if (!f.frame_mbs_only_flag) w.Bit(1);  // mb_adaptive_frame_field_flag
    w.Bit(1);                              // direct_8x8_inference_flag
    w.Bit(f.cropping ? 1 : 0);
    if (f.cropping) {
        w.Ue(f.crop_left);
        w.Ue(f.crop_right);
        w.Ue(f.crop_top);
        w.Ue(f.crop_bottom);
    }
    w.Bit(f.vui ? 1 : 0);
    if (f.vui) f.vui(w);
}

/// The whole NAL unit: header byte, escaped RBSP with trailing bits.
inline std::vector<uint8_t> MakeSps(const SpsFields& f) {
    BitWriter w;
    WriteSpsBits(w, f);
    w.Trailing();
    std::vector<uint8_t> nal{f.nal_header};
    const auto escaped = Escape(w.bytes());
    nal.insert(nal.end(), escaped.begin(), escaped.end());
    return nal;
}

/// avcC record (lengthSizeMinusOne = length_size - 1) holding `sps` and `pps`.
inline std::vector<uint8_t> MakeAvcc(const std::vector<std::vector<uint8_t>>& sps,
                                     const std::vector<std::vector<uint8_t>>& pps, uint8_t length_size = 4) {
    const bool has_sps = !sps.empty() && sps[0].size() >= 4;  // profile, constraints, level from the SPS
    std::vector<uint8_t> out{1, has_sps ? sps[0][1] : uint8_t{100}, has_sps ? sps[0][2] : uint8_t{0},
                             has_sps ? sps[0][3] : uint8_t{31}, static_cast<uint8_t>(0xfc | (length_size - 1)),
                             static_cast<uint8_t>(0xe0 | sps.size())};
    for (const auto& s : sps) {
        out.push_back(static_cast<uint8_t>(s.size() >> 8));
        out.push_back(static_cast<uint8_t>(s.size()));
        out.insert(out.end(), s.begin(), s.end());
    }
    out.push_back(static_cast<uint8_t>(pps.size()));
    for (const auto& p : pps) {
        out.push_back(static_cast<uint8_t>(p.size() >> 8));
        out.push_back(static_cast<uint8_t>(p.size()));
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

/// An access unit with `length_size`-byte NAL unit lengths.
inline std::vector<uint8_t> MakeAccessUnit(const std::vector<std::vector<uint8_t>>& nals, uint8_t length_size) {
    std::vector<uint8_t> out;
    for (const auto& n : nals) {
        for (unsigned i = length_size; i-- > 0;) out.push_back(static_cast<uint8_t>(n.size() >> (8 * i)));
        out.insert(out.end(), n.begin(), n.end());
    }
    return out;
}

}  // namespace onair::codec::h264::test
