// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/pes.h"

#include "onair/format/mpegts/ts_packet.h"

namespace onair::format::mpegts {

void WritePesTimestamp(uint8_t prefix, int64_t ticks, uint8_t* out5) {
    const uint64_t ts = WrapTimestamp(ticks);
    out5[0] = static_cast<uint8_t>(((prefix & 0x0F) << 4) | (((ts >> 30) & 0x07) << 1) | 0x01);
    out5[1] = static_cast<uint8_t>(ts >> 22);
    out5[2] = static_cast<uint8_t>((((ts >> 15) & 0x7F) << 1) | 0x01);
    out5[3] = static_cast<uint8_t>(ts >> 7);
    out5[4] = static_cast<uint8_t>(((ts & 0x7F) << 1) | 0x01);
}

PesHeaderBytes WritePesHeader(const PesHeader& header) {
    PesHeaderBytes h;
    uint8_t* p = h.bytes.data();
    const size_t header_data_length = header.dts ? 10 : 5;
    // packet_start_code_prefix, stream_id
    p[0] = 0x00;
    p[1] = 0x00;
    p[2] = 0x01;
    p[3] = header.stream_id;
    // PES_packet_length: bytes after this field.
    const size_t after_length = 3 + header_data_length + header.payload_size;
    const size_t length = header.bounded && after_length <= 0xFFFF ? after_length : 0;
    p[4] = static_cast<uint8_t>(length >> 8);
    p[5] = static_cast<uint8_t>(length);
    // '10', scrambling 00, priority 0, data_alignment_indicator, copyright 0, original 0
    p[6] = static_cast<uint8_t>(0x80 | (header.data_alignment ? 0x04 : 0x00));
    // PTS_DTS_flags, no other optional fields
    p[7] = header.dts ? 0xC0 : 0x80;
    p[8] = static_cast<uint8_t>(header_data_length);
    if (header.dts) {
        WritePesTimestamp(0x3, header.pts, p + 9);
        WritePesTimestamp(0x1, *header.dts, p + 14);
    } else {
        WritePesTimestamp(0x2, header.pts, p + 9);
    }
    h.size = 9 + header_data_length;
    return h;
}

}  // namespace onair::format::mpegts
