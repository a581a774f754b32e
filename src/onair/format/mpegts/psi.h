// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace onair::format::mpegts {

/// stream_type values of the PMT (ISO/IEC 13818-1 Table 2-34).
inline constexpr uint8_t kStreamTypeAacAdts = 0x0F;  // ISO/IEC 13818-7 audio with ADTS
inline constexpr uint8_t kStreamTypeH264 = 0x1B;     // ITU-T H.264

/// CRC-32/MPEG-2 (polynomial 0x04C11DB7, initial value 0xFFFFFFFF, no
/// reflection, no final XOR), the CRC_32 of PSI sections (Annex A).
uint32_t Crc32Mpeg2(std::span<const uint8_t> bytes);

/// The program association section (2.4.4.3) of a single-program stream.
struct Pat {
    uint16_t transport_stream_id = 1;
    uint16_t program_number = 1;
    uint16_t pmt_pid = 0x1000;
    uint8_t version = 0;  // 5 bits
};

/// One elementary stream of a PMT.
struct PmtStream {
    uint8_t stream_type = 0;
    uint16_t pid = 0;
};

/// The program map section (2.4.4.8), without descriptors.
struct Pmt {
    uint16_t program_number = 1;
    uint16_t pcr_pid = 0x1FFF;  // 0x1FFF: no PCR
    uint8_t version = 0;         // 5 bits; bumped when the streams change
    std::vector<PmtStream> streams;
};

/// Appends the complete section (table_id up to and including CRC_32) to
/// `out`. The pointer_field that precedes a section in a TS packet is not
/// part of it.
void WritePatSection(const Pat& pat, std::vector<uint8_t>& out);
void WritePmtSection(const Pmt& pmt, std::vector<uint8_t>& out);

/// Appends one 188-byte TS packet carrying `section` on `pid`: pointer_field
/// 0, the section, then 0xFF up to the packet end (2.4.4.2). Sections longer
/// than 183 bytes are not supported here: ours are at most a few dozen.
/// Returns false (writing nothing) for a section that does not fit.
bool WriteSectionPacket(uint16_t pid, uint8_t continuity_counter, std::span<const uint8_t> section,
                        std::vector<uint8_t>& out);

}  // namespace onair::format::mpegts
