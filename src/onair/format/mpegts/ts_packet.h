// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "onair/format/mpegts/payload_chain.h"

namespace onair::format::mpegts {

/// Transport stream packets (ISO/IEC 13818-1 2.4.3.2): 188 bytes, a 4-byte
/// header, an optional adaptation field and up to 184 payload bytes.
inline constexpr size_t kPacketSize = 188;
inline constexpr size_t kHeaderSize = 4;
inline constexpr size_t kMaxPayloadSize = kPacketSize - kHeaderSize;  // 184
inline constexpr uint8_t kSyncByte = 0x47;
inline constexpr uint16_t kPatPid = 0x0000;
inline constexpr uint16_t kNullPid = 0x1FFF;
inline constexpr uint16_t kMaxPid = 0x1FFF;

/// PTS, DTS and the PCR base are 33-bit counters of the 90 kHz clock.
inline constexpr int64_t kTimestampModulus = int64_t{1} << 33;

/// Reduces a 90 kHz timestamp to 33 bits (mod 2^33, negative values wrap).
inline constexpr uint64_t WrapTimestamp(int64_t ticks) {
    return static_cast<uint64_t>(ticks) & static_cast<uint64_t>(kTimestampModulus - 1);
}

/// What one packet says besides its payload.
struct PacketFields {
    uint16_t pid = 0;               // 13 bits
    bool payload_unit_start = false;
    uint8_t continuity_counter = 0;  // 4 bits; counts packets with payload per PID
    bool random_access = false;     // random_access_indicator (adaptation field)
    /// discontinuity_indicator (adaptation field): the continuity counter
    /// may be discontinuous at this packet; on the PCR PID, the PCR of this
    /// packet also starts a new time base.
    bool discontinuity = false;
    /// program_clock_reference_base in 90 kHz ticks (wrapped to 33 bits);
    /// the 27 MHz extension is always 0.
    std::optional<int64_t> pcr;
};

/// Appends one 188-byte packet to `out` carrying the next bytes of `payload`
/// (as many as fit; the rest stays in the chain) and returns how many it
/// took. An adaptation field is written when the fields need one (random
/// access, PCR, discontinuity) or to stuff a short payload to the packet size: stuffing is
/// always in the adaptation field, never after the payload, as PES needs.
///
/// With an empty `payload` it writes an adaptation-field-only packet (a
/// PCR-only packet, adaptation_field_control '10'); such a packet carries no
/// payload so the caller must not advance the continuity counter for it.
size_t WritePacket(const PacketFields& fields, PayloadChain& payload, std::vector<uint8_t>& out);

/// Writes the 6-byte PCR field: 33-bit base, 6 reserved '1' bits, 9-bit
/// extension (2.4.3.5).
void WritePcr(int64_t base_90khz, uint16_t extension, uint8_t* out6);

}  // namespace onair::format::mpegts
