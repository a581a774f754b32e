// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace onair::format::mpegts {

/// stream_id values (ISO/IEC 13818-1 Table 2-22): the first video and the
/// first audio stream.
inline constexpr uint8_t kVideoStreamId = 0xE0;
inline constexpr uint8_t kAudioStreamId = 0xC0;

/// Largest payload a PES packet with a bounded PES_packet_length can carry
/// behind a PTS+DTS header (65535 counts the bytes after the length field).
inline constexpr size_t kMaxBoundedPesPayload = 65535 - 3 - 10;

/// The header of one PES packet (2.4.3.6).
struct PesHeader {
    uint8_t stream_id = kVideoStreamId;
    int64_t pts = 0;              // 90 kHz; written mod 2^33
    std::optional<int64_t> dts;   // omitted when absent (the caller omits it when equal to PTS)
    /// Bytes that follow the header. When `bounded` and the packet fits
    /// 16 bits, PES_packet_length says so; otherwise it is 0 ("unbounded",
    /// allowed for video in TS and what players expect for large frames).
    size_t payload_size = 0;
    bool bounded = true;
    /// data_alignment_indicator: the payload starts with an access unit
    /// (an AUD for H.264, an ADTS sync word for AAC).
    bool data_alignment = true;
};

/// Longest header: 9 fixed bytes + PTS + DTS.
inline constexpr size_t kMaxPesHeaderSize = 19;

/// A PES header, serialised.
struct PesHeaderBytes {
    std::array<uint8_t, kMaxPesHeaderSize> bytes{};
    size_t size = 0;
    std::span<const uint8_t> span() const { return {bytes.data(), size}; }
};

PesHeaderBytes WritePesHeader(const PesHeader& header);

/// Writes a 5-byte PTS or DTS field: a 4-bit prefix ('0010' PTS only, '0011'
/// PTS followed by DTS, '0001' DTS) and 33 bits split 3/15/15 by marker bits.
void WritePesTimestamp(uint8_t prefix, int64_t ticks, uint8_t* out5);

}  // namespace onair::format::mpegts
