// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>

#include "onair/base/result.h"

namespace onair::codec::h264 {

/// The fields of a sequence parameter set (ITU-T H.264 7.3.2.1.1) that
/// playlists, stats and the transcoder need.
struct Sps {
    uint8_t profile_idc = 0;
    uint8_t constraint_flags = 0;  // constraint_set0..5 flags + reserved bits, the byte as coded
    uint8_t level_idc = 0;
    uint32_t seq_parameter_set_id = 0;
    uint32_t chroma_format_idc = 1;
    uint32_t bit_depth_luma = 8;
    uint32_t width = 0;   // after cropping
    uint32_t height = 0;  // after cropping
    bool frame_mbs_only = true;
    // From VUI timing info when present (0 otherwise).
    uint32_t num_units_in_tick = 0;
    uint32_t time_scale = 0;
    uint32_t sar_width = 1;
    uint32_t sar_height = 1;
};

/// Parses an SPS NAL unit (header byte included, emulation-prevention bytes
/// still in place). Rejects out-of-range values (sizes over 16384 pixels,
/// ids over their spec maxima) with kInvalidData.
base::Result<Sps> ParseSps(std::span<const uint8_t> nal);

}  // namespace onair::codec::h264
