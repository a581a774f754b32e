// SPDX-License-Identifier: Apache-2.0
// Helpers of the MP4 tests: an independent box walker (so the byte checks
// do not trust the reader under test), big-endian field access, and the
// sample stream's tracks.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "onair/format/mp4/fragment_writer.h"
#include "onair/format/mp4/track.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::format::mp4::test {

using Bytes = std::vector<uint8_t>;

inline uint32_t U32At(std::span<const uint8_t> b, size_t at) {
    return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) | b[at + 3];
}
inline uint64_t U64At(std::span<const uint8_t> b, size_t at) { return (uint64_t{U32At(b, at)} << 32) | U32At(b, at + 4); }
inline std::string TypeAt(std::span<const uint8_t> b, size_t at) {
    return std::string(reinterpret_cast<const char*>(b.data() + at + 4), 4);
}

struct Found {
    size_t offset = 0;  // of the box header, in the whole buffer
    size_t size = 0;
};

/// The `nth` box at `path` (e.g. {"moov", "trak", "tkhd"}), walking 32-bit
/// sizes only (what our writers produce for headers). Sample entries are
/// descended into past their fixed fields.
inline std::optional<Found> FindBox(std::span<const uint8_t> b, std::initializer_list<std::string> path, size_t nth = 0) {
    std::vector<std::string> p(path);
    std::vector<Found> matches;
    auto walk = [&](auto&& self, size_t begin, size_t end, size_t depth) -> void {
        size_t at = begin;
        while (at + 8 <= end) {
            const size_t size = U32At(b, at);
            if (size < 8 || at + size > end) return;
            const std::string type = TypeAt(b, at);
            if (type == p[depth]) {
                if (depth + 1 == p.size()) {
                    matches.push_back({at, size});
                } else {
                    size_t skip = 8;
                    if (type == "stsd") skip = 16;
                    else if (type == "avc1") skip = 8 + 78;
                    else if (type == "mp4a") skip = 8 + 28;
                    self(self, at + skip, at + size, depth + 1);
                }
            }
            at += size;
        }
    };
    walk(walk, 0, b.size(), 0);
    if (nth >= matches.size()) return std::nullopt;
    return matches[nth];
}

inline Bytes Flatten(const FragmentBytes& f) {
    Bytes out(f.header.span().begin(), f.header.span().end());
    for (const auto& p : f.payloads) out.insert(out.end(), p.span().begin(), p.span().end());
    return out;
}

inline Track SampleVideoTrack() { return Track{kVideoTrackId, 90000, onair::test::SampleVideoConfig()}; }
inline Track SampleAudioTrack() { return Track{kAudioTrackId, 22050, onair::test::SampleAudioConfig()}; }

inline base::SharedBuffer Filled(size_t n, uint8_t v) { return base::SharedBuffer::Adopt(Bytes(n, v)); }

}  // namespace onair::format::mp4::test
