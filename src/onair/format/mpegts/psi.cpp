// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/psi.h"

#include <array>

#include "onair/base/byte_reader.h"
#include "onair/format/mpegts/ts_packet.h"

namespace onair::format::mpegts {

namespace {

constexpr uint8_t kPatTableId = 0x00;
constexpr uint8_t kPmtTableId = 0x02;

constexpr std::array<uint32_t, 256> MakeCrcTable() {
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i << 24;
        for (int bit = 0; bit < 8; ++bit) c = (c & 0x80000000u) ? (c << 1) ^ 0x04C11DB7u : c << 1;
        table[i] = c;
    }
    return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

// Writes the 8 bytes common to long-form sections, with a placeholder
// section_length fixed up by FinishSection.
void BeginSection(uint8_t table_id, uint16_t id_extension, uint8_t version, std::vector<uint8_t>& out) {
    base::ByteWriter w(out);
    w.U8(table_id);
    w.U16(0xB000);  // section_syntax_indicator '1', '0', reserved '11', length patched later
    w.U16(id_extension);
    w.U8(static_cast<uint8_t>(0xC0 | ((version & 0x1F) << 1) | 0x01));  // reserved, version, current_next
    w.U8(0x00);  // section_number
    w.U8(0x00);  // last_section_number
}

// Patches section_length (bytes after the length field, CRC included) and
// appends the CRC over the whole section.
void FinishSection(size_t start, std::vector<uint8_t>& out) {
    const size_t length = out.size() - start - 3 + 4;
    out[start + 1] = static_cast<uint8_t>(0xB0 | ((length >> 8) & 0x0F));
    out[start + 2] = static_cast<uint8_t>(length);
    const uint32_t crc = Crc32Mpeg2(std::span<const uint8_t>(out).subspan(start));
    base::ByteWriter(out).U32(crc);
}

}  // namespace

uint32_t Crc32Mpeg2(std::span<const uint8_t> bytes) {
    uint32_t crc = 0xFFFFFFFFu;
    for (uint8_t b : bytes) crc = (crc << 8) ^ kCrcTable[((crc >> 24) ^ b) & 0xFF];
    return crc;
}

void WritePatSection(const Pat& pat, std::vector<uint8_t>& out) {
    const size_t start = out.size();
    BeginSection(kPatTableId, pat.transport_stream_id, pat.version, out);
    base::ByteWriter w(out);
    w.U16(pat.program_number);
    w.U16(static_cast<uint16_t>(0xE000 | (pat.pmt_pid & kMaxPid)));
    FinishSection(start, out);
}

void WritePmtSection(const Pmt& pmt, std::vector<uint8_t>& out) {
    const size_t start = out.size();
    BeginSection(kPmtTableId, pmt.program_number, pmt.version, out);
    base::ByteWriter w(out);
    w.U16(static_cast<uint16_t>(0xE000 | (pmt.pcr_pid & kMaxPid)));
    w.U16(0xF000);  // reserved, program_info_length 0
    for (const auto& s : pmt.streams) {
        w.U8(s.stream_type);
        w.U16(static_cast<uint16_t>(0xE000 | (s.pid & kMaxPid)));
        w.U16(0xF000);  // reserved, ES_info_length 0
    }
    FinishSection(start, out);
}

bool WriteSectionPacket(uint16_t pid, uint8_t continuity_counter, std::span<const uint8_t> section,
                        std::vector<uint8_t>& out) {
    if (section.size() + 1 > kMaxPayloadSize) return false;
    std::array<uint8_t, kMaxPayloadSize> payload;
    payload.fill(0xFF);
    payload[0] = 0x00;  // pointer_field: the section starts right after it
    for (size_t i = 0; i < section.size(); ++i) payload[1 + i] = section[i];
    PayloadChain chain;
    chain.Append(payload);
    PacketFields fields;
    fields.pid = pid;
    fields.payload_unit_start = true;
    fields.continuity_counter = continuity_counter;
    WritePacket(fields, chain, out);
    return true;
}

}  // namespace onair::format::mpegts
