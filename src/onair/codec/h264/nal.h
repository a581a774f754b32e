// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "onair/base/result.h"

namespace onair::codec::h264 {

/// NAL unit types used here (ITU-T H.264 Table 7-1).
enum class NalType : uint8_t {
    kSlice = 1,
    kIdr = 5,
    kSei = 6,
    kSps = 7,
    kPps = 8,
    kAud = 9,
    kEndOfSequence = 10,
    kFiller = 12,
};

inline uint8_t NalTypeOf(uint8_t header_byte) { return header_byte & 0x1f; }

/// Calls `fn(nal)` for every NAL unit of a length-prefixed (AVCC) access
/// unit whose lengths are `length_size` (1, 2 or 4) bytes. Returns
/// kInvalidData when a length runs past the end; a zero-length NAL unit is
/// skipped, not an error.
base::Status ForEachNal(std::span<const uint8_t> avcc, uint8_t length_size,
                        const std::function<void(std::span<const uint8_t>)>& fn);

/// Appends `nal` to `out` after its length as 4 bytes, big-endian: one NAL
/// unit of an AVCC access unit with 4-byte lengths.
void AppendWithFourByteLength(std::vector<uint8_t>& out, std::span<const uint8_t> nal);

/// Re-frames an AVCC access unit with `length_size`-byte lengths as one with
/// 4-byte lengths (the form carried in media::Packet).
base::Result<std::vector<uint8_t>> ToFourByteLengths(std::span<const uint8_t> avcc, uint8_t length_size);

/// True if the access unit (4-byte lengths) contains an IDR slice.
bool ContainsIdr(std::span<const uint8_t> avcc4);

/// Removes emulation-prevention bytes (00 00 03 -> 00 00) from a NAL unit's
/// payload into `rbsp`.
void UnescapeRbsp(std::span<const uint8_t> nal, std::vector<uint8_t>& rbsp);

}  // namespace onair::codec::h264
