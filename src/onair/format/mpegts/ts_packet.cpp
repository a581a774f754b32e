// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/ts_packet.h"

namespace onair::format::mpegts {

namespace {
constexpr uint8_t kDiscontinuityFlag = 0x80;
constexpr uint8_t kRandomAccessFlag = 0x40;
constexpr uint8_t kPcrFlag = 0x10;
constexpr uint8_t kStuffingByte = 0xFF;
constexpr size_t kPcrSize = 6;
}  // namespace

void WritePcr(int64_t base_90khz, uint16_t extension, uint8_t* out6) {
    const uint64_t base = WrapTimestamp(base_90khz);
    const uint16_t ext = extension & 0x1FF;
    out6[0] = static_cast<uint8_t>(base >> 25);
    out6[1] = static_cast<uint8_t>(base >> 17);
    out6[2] = static_cast<uint8_t>(base >> 9);
    out6[3] = static_cast<uint8_t>(base >> 1);
    out6[4] = static_cast<uint8_t>(((base & 1) << 7) | 0x7E | (ext >> 8));
    out6[5] = static_cast<uint8_t>(ext);
}

size_t WritePacket(const PacketFields& fields, PayloadChain& payload, std::vector<uint8_t>& out) {
    const bool flags_needed = fields.random_access || fields.discontinuity || fields.pcr.has_value();
    // Adaptation field bytes before any stuffing: length byte, flags, PCR.
    const size_t af_min = flags_needed ? 2 + (fields.pcr ? kPcrSize : 0) : 0;
    const size_t room = kMaxPayloadSize - af_min;
    const size_t take = payload.remaining() < room ? payload.remaining() : room;
    // Everything of the 184 bytes that is not payload is adaptation field.
    const size_t af_total = kMaxPayloadSize - take;

    uint8_t afc = 0x1;  // payload only
    if (af_total > 0) afc = take > 0 ? 0x3 : 0x2;

    const size_t start = out.size();
    out.resize(start + kPacketSize);
    uint8_t* p = out.data() + start;
    p[0] = kSyncByte;
    p[1] = static_cast<uint8_t>((fields.payload_unit_start ? 0x40 : 0x00) | ((fields.pid >> 8) & 0x1F));
    p[2] = static_cast<uint8_t>(fields.pid);
    p[3] = static_cast<uint8_t>((afc << 4) | (fields.continuity_counter & 0x0F));
    size_t pos = kHeaderSize;
    if (af_total > 0) {
        // adaptation_field_length counts the bytes after itself. A single
        // byte of stuffing is a zero-length adaptation field.
        p[pos++] = static_cast<uint8_t>(af_total - 1);
        if (af_total > 1) {
            uint8_t flags = 0;
            if (fields.discontinuity) flags |= kDiscontinuityFlag;
            if (fields.random_access) flags |= kRandomAccessFlag;
            if (fields.pcr) flags |= kPcrFlag;
            p[pos++] = flags;
            if (fields.pcr) {
                WritePcr(*fields.pcr, 0, p + pos);
                pos += kPcrSize;
            }
            while (pos < kHeaderSize + af_total) p[pos++] = kStuffingByte;
        }
    }
    // Payload bytes are appended after the fixed part we just wrote.
    out.resize(start + pos);
    payload.CopyTo(take, out);
    return take;
}

}  // namespace onair::format::mpegts
