// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/box_writer.h"

namespace onair::format::mp4 {

void BoxWriter::UnityMatrix() {
    constexpr uint32_t kMatrix[9] = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
    for (uint32_t v : kMatrix) U32(v);
}

void WriteBoxHeader(uint32_t type, uint64_t payload_size, std::vector<uint8_t>& out) {
    base::ByteWriter w(out);
    if (payload_size + 8 <= UINT32_MAX) {
        w.U32(static_cast<uint32_t>(payload_size + 8));
        w.U32(type);
    } else {
        w.U32(1);
        w.U32(type);
        w.U64(payload_size + 16);
    }
}

}  // namespace onair::format::mp4
