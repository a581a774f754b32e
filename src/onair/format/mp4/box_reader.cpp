// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/box_reader.h"

namespace onair::format::mp4 {

std::string FourccName(uint32_t type) {
    std::string s;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto c = static_cast<char>((type >> shift) & 0xff);
        if (c < 0x20 || c > 0x7e) {
            static constexpr char kHex[] = "0123456789abcdef";
            std::string hex = "0x";
            for (int i = 28; i >= 0; i -= 4) hex.push_back(kHex[(type >> i) & 0xf]);
            return hex;
        }
        s.push_back(c);
    }
    return s;
}

base::Error Invalid(const std::string& what) { return base::MakeError(base::ErrorCode::kInvalidData, "mp4: " + what); }

base::Error TooMany(const std::string& what) {
    return base::MakeError(base::ErrorCode::kLimitExceeded, "mp4: " + what);
}

base::Result<BoxView> ReadBoxHeader(std::span<const uint8_t> bytes, size_t offset, bool allow_truncated) {
    if (offset > bytes.size()) return Invalid("box offset past the end");
    base::ByteReader r(bytes.subspan(offset));
    uint32_t size32 = 0;
    BoxView box;
    box.offset = offset;
    if (!r.ReadU32(size32) || !r.ReadU32(box.type)) return Invalid("box header cut short");
    box.header_size = 8;
    box.size = size32;
    if (size32 == 1) {
        if (!r.ReadU64(box.size)) return Invalid("box " + FourccName(box.type) + ": largesize cut short");
        box.header_size = 16;
    } else if (size32 == 0) {
        box.size = r.remaining() + box.header_size;  // to the end of the span
    }
    if (box.size < box.header_size) return Invalid("box " + FourccName(box.type) + ": size smaller than its header");
    const uint64_t available = bytes.size() - offset;
    if (box.size > available) {
        if (!allow_truncated) {
            return Invalid("box " + FourccName(box.type) + ": size " + std::to_string(box.size) + " runs past the end");
        }
        box.payload = bytes.subspan(offset + box.header_size);
    } else {
        box.payload = bytes.subspan(offset + box.header_size, static_cast<size_t>(box.size) - box.header_size);
    }
    return box;
}

bool ReadFullBoxHeader(base::ByteReader& r, uint8_t& version, uint32_t& flags) {
    return r.ReadU8(version) && r.ReadU24(flags);
}

}  // namespace onair::format::mp4
