// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>

namespace onair::format::flv {

// Video tag header (FLV 10.1, E.4.3.1).
inline constexpr uint8_t kFrameTypeKey = 1;
inline constexpr uint8_t kFrameTypeInter = 2;
inline constexpr uint8_t kFrameTypeInfo = 5;
inline constexpr uint8_t kCodecIdAvc = 7;
inline constexpr uint8_t kExVideoHeaderBit = 0x80;  // Enhanced RTMP: IsExHeader
inline constexpr uint8_t kAvcSequenceHeader = 0;
inline constexpr uint8_t kAvcNalu = 1;
inline constexpr uint8_t kAvcEndOfSequence = 2;

// Audio tag header (E.4.2.1).
inline constexpr uint8_t kSoundFormatAac = 10;
inline constexpr uint8_t kAacSequenceHeader = 0;
inline constexpr uint8_t kAacRaw = 1;
/// An ADTS header's 13-bit length field covers the header (7 bytes) too.
inline constexpr size_t kMaxAacFrameBytes = 8191 - 7;

}  // namespace onair::format::flv
