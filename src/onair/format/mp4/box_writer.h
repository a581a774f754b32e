// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "onair/base/byte_reader.h"

namespace onair::format::mp4 {

/// A box type (ISO/IEC 14496-12 4.2) from its four characters, e.g. Fourcc("moov").
constexpr uint32_t Fourcc(std::string_view s) {
    return (uint32_t{static_cast<uint8_t>(s[0])} << 24) | (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
           (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

/// Appends boxes to a byte vector. A box is opened with Begin (its 32-bit
/// size left as a placeholder) and closed with End, which writes the size
/// of everything appended in between, so nested boxes need no size
/// arithmetic at the call site.
class BoxWriter {
public:
    explicit BoxWriter(std::vector<uint8_t>& out) : out_(out), w_(out) {}

    /// Opens a box; returns the position End needs.
    size_t Begin(uint32_t type) {
        const size_t at = out_.size();
        w_.U32(0);
        w_.U32(type);
        return at;
    }
    /// Opens a full box (a box with version and 24-bit flags).
    size_t BeginFull(uint32_t type, uint8_t version, uint32_t flags) {
        const size_t at = Begin(type);
        w_.U8(version);
        w_.U24(flags);
        return at;
    }
    /// Closes the box opened at `at`. Boxes written here stay under 4 GiB
    /// (headers and tables; media goes after, sized by the caller).
    void End(size_t at) {
        const auto size = static_cast<uint32_t>(out_.size() - at);
        for (int i = 0; i < 4; ++i) out_[at + static_cast<size_t>(i)] = static_cast<uint8_t>(size >> (24 - 8 * i));
    }

    void U8(uint8_t v) { w_.U8(v); }
    void U16(uint16_t v) { w_.U16(v); }
    void U24(uint32_t v) { w_.U24(v); }
    void U32(uint32_t v) { w_.U32(v); }
    void U64(uint64_t v) { w_.U64(v); }
    void Zeros(size_t n) { out_.insert(out_.end(), n, 0); }
    void Bytes(std::span<const uint8_t> b) { w_.Bytes(b); }
    /// The unity transformation matrix of mvhd and tkhd (8.2.2.3).
    void UnityMatrix();
    size_t size() const { return out_.size(); }

private:
    std::vector<uint8_t>& out_;
    base::ByteWriter w_;
};

/// Writes an 8-byte box header, or a 16-byte one (size 1 + 64-bit
/// largesize) when `payload_size` + 8 does not fit 32 bits: how an mdat in
/// front of media the caller appends itself is announced.
void WriteBoxHeader(uint32_t type, uint64_t payload_size, std::vector<uint8_t>& out);

}  // namespace onair::format::mp4
