// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"

namespace onair::codec::h264 {

/// Limits on an AVCDecoderConfigurationRecord from an untrusted source.
struct AvcConfigLimits {
    size_t max_parameter_sets = 32;     // SPS + PPS entries
    size_t max_parameter_set_bytes = 4096;
};

/// AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3.1), "avcC".
struct AvcConfig {
    uint8_t profile_idc = 0;
    uint8_t profile_compatibility = 0;
    uint8_t level_idc = 0;
    uint8_t nal_length_size = 4;  // lengthSizeMinusOne + 1: 1, 2 or 4
    std::vector<base::SharedBuffer> sps;  // NAL units with their header byte
    std::vector<base::SharedBuffer> pps;
};

/// Parses an avcC record. At least one SPS and one PPS are required.
/// The parameter sets are slices of `record` (no copy).
base::Result<AvcConfig> ParseAvcConfig(const base::SharedBuffer& record, const AvcConfigLimits& limits = {});

/// Writes an avcC record (lengthSizeMinusOne = 3) for `config`.
std::vector<uint8_t> WriteAvcConfig(const AvcConfig& config);

/// RFC 6381 codec string from the SPS's profile/constraint/level bytes,
/// e.g. "avc1.64001f".
std::string CodecString(uint8_t profile_idc, uint8_t constraint_flags, uint8_t level_idc);

}  // namespace onair::codec::h264
