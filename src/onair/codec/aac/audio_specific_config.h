// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "onair/base/result.h"

namespace onair::codec::aac {

/// AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), the part we use.
struct AudioSpecificConfig {
    uint8_t object_type = 2;           // 2 = AAC-LC; 5 = SBR (HE-AAC), 29 = PS (HE-AACv2)
    uint8_t sampling_index = 4;        // index into the sampling-frequency table; 15: explicit
    uint32_t sample_rate = 44100;      // Hz (core rate)
    uint8_t channel_config = 2;        // 1..7; 0 (PCE) is rejected
    uint32_t extension_sample_rate = 0;  // SBR output rate, when signalled
};

/// Parses the AudioSpecificConfig bytes (at least 2). kInvalidData for
/// object type 0, reserved sampling-frequency indexes or truncated input;
/// kUnsupported for channel configuration 0 (a program_config_element) and
/// the reserved configurations 8..15: valid AAC this server does not carry.
base::Result<AudioSpecificConfig> ParseAudioSpecificConfig(std::span<const uint8_t> bytes);

/// RFC 6381 codec string: "mp4a.40.<object_type>".
std::string CodecString(const AudioSpecificConfig& config);

/// The 7-byte ADTS header (no CRC) for one raw AAC frame of `frame_size`
/// bytes. ADTS can only signal object types 1..4: SBR/PS streams are
/// signalled as AAC-LC (implicit signalling), as ffmpeg does.
std::array<uint8_t, 7> AdtsHeader(const AudioSpecificConfig& config, size_t frame_size);

/// Samples per frame (1024 for AAC-LC; 2048 output samples with SBR).
inline uint32_t SamplesPerFrame(const AudioSpecificConfig&) { return 1024; }

}  // namespace onair::codec::aac
